import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ObjectModel } from '@smartcity/lwm2m-core';
import {
  BUNDLED_DDF_DIR,
  listDdfFiles,
  loadBundledRegistry,
  mergeDdfFiles,
  parseDdfDirectory,
  registryFromDdfDirectory,
} from './ddf-loader';
import { toSnapshot } from './ddf-snapshot';
import { diffModels } from './model-diff';
import { resourceWordsByObject } from './naming';
import { WaterMeterV1_1, OutdoorLampControllerV3_0, OBJECT_IDS } from './generated';

// Parsing the shipped XML takes a few hundred ms: do it once for the file.
const files = parseDdfDirectory();
const fromXml = registryFromDdfDirectory();
const bundled = loadBundledRegistry();

function resourceDiff(id: number, from: string, to: string) {
  const diff = diffModels(fromXml.get(id, from) as ObjectModel, fromXml.get(id, to) as ObjectModel);
  const change = (rid: number, field: string) => diff.changed.find((c) => c.id === rid && c.field === field);
  return {
    removed: diff.removed,
    added: diff.added,
    type: (rid: number) => [change(rid, 'type')?.from, change(rid, 'type')?.to],
    units: (rid: number) => [change(rid, 'units')?.from, change(rid, 'units')?.to],
  };
}

describe('the shipped DDF files', () => {
  it('parse, one object model per file', () => {
    expect(files.length).toBe(listDdfFiles().length);
    expect(files.length).toBe(181);
    expect(files.flatMap((f) => f.models)).toHaveLength(files.length);
  });

  it('keep their licence header (copyright and BSD-3 conditions) before the definition', () => {
    for (const f of files) {
      const xml = readFileSync(join(BUNDLED_DDF_DIR, f.path), 'utf8');
      const header = xml.slice(0, xml.indexOf('<LWM2M'));
      expect([f.path, /Copyright/.test(header), /Redistribution and use/.test(header)]).toEqual([
        f.path,
        true,
        true,
      ]);
    }
  });

  it('declare, in each file name, the version they contain', () => {
    for (const f of files) {
      const m = /(\d+)-(\d+)_(\d+)\.xml$/.exec(f.path);
      if (!m) continue;
      expect(`${f.path} ${f.models[0]?.id}@${f.models[0]?.version}`).toBe(
        `${f.path} ${m[1]}@${m[2]}.${m[3]}`,
      );
    }
  });

  it('give one registry model per distinct (object, version): current files equal their history copy', () => {
    const distinct = new Set(files.map((f) => `${f.models[0]?.id}@${f.models[0]?.version}`));
    expect(fromXml.size).toBe(distinct.size);
    expect(mergeDdfFiles(files)).toHaveLength(distinct.size);
  });

  it('know every version of every object that has a version history', () => {
    for (const f of files) {
      const m = f.models[0] as ObjectModel;
      expect(fromXml.versions(m.id)).toContain(m.version);
    }
    expect(fromXml.versions(3416)).toEqual(['1.0', '2.0', '3.0']);
    expect(fromXml.versions(3418)).toEqual(['1.0', '2.0', '2.1']);
    expect(fromXml.versions(3415)).toEqual(['1.0', '2.0', '3.0']);
    expect(fromXml.versions(4)).toEqual(['1.0', '1.1', '1.2', '1.3']);
    expect(fromXml.objectIds()).toEqual(
      expect.arrayContaining([0, 1, 2, 3, 4, 5, 6, 7, 21, 3300, 3442, 3463, 3464]),
    );
  });

  it('match the generated snapshot (loadBundledRegistry) model for model', () => {
    expect(JSON.stringify(toSnapshot(bundled.models()))).toBe(JSON.stringify(toSnapshot(fromXml.models())));
  });

  it('give unique resource names per object for the generated constants and metric keys', () => {
    for (const id of fromXml.objectIds()) {
      const versions = fromXml.versions(id).map((v) => fromXml.get(id, v) as ObjectModel);
      const names = [...resourceWordsByObject(versions).values()].map((w) => w.join('_'));
      expect(new Set(names).size).toBe(names.length);
    }
    const gnss = fromXml.versions(3430).map((v) => fromXml.get(3430, v) as ObjectModel);
    expect(resourceWordsByObject(gnss).get(18)).toEqual(['satellite', 'elevation']);
  });
});

describe('version differences recorded in the registry (shared README notes)', () => {
  it('3416 2.0 -> 3.0 removed resources 13, 14 and 62', () => {
    expect(resourceDiff(3416, '2.0', '3.0').removed).toEqual([13, 14, 62]);
  });

  it('3418 2.0 -> 2.1 only added resources (nothing removed or retyped)', () => {
    const diff = diffModels(fromXml.get(3418, '2.0') as ObjectModel, fromXml.get(3418, '2.1') as ObjectModel);
    expect(diff.removed).toEqual([]);
    expect(diff.changed.filter((c) => c.field === 'type' || c.field === 'units')).toEqual([]);
  });

  it.each([
    [3416, '1.0', '2.0', 15, ['integer', 'float']],
    [3416, '1.0', '2.0', 39, ['string', 'integer']],
    [3416, '1.0', '2.0', 40, ['string', 'integer']],
    [3414, '1.0', '2.0', 1, ['string', 'opaque']],
    [3415, '1.0', '2.0', 3, ['string', 'integer']],
    [3415, '2.0', '3.0', 4, ['integer', 'time']],
  ])('%i %s -> %s changed the type of /%i', (id, from, to, rid, types) => {
    expect(resourceDiff(id, from, to).type(rid)).toEqual(types);
  });

  it.each([
    [3418, '1.0', '2.0', 6, ['kWh', 'Wh']],
    [3415, '1.0', '2.0', 3, [undefined, 'h']],
    [3, '1.1', '1.2', 9, ['%', '/100']],
  ])('%i %s -> %s changed the unit of /%i', (id, from, to, rid, units) => {
    expect(resourceDiff(id, from, to).units(rid)).toEqual(units);
  });

  it.each([
    ['3421/9 "High current threshold" has unit V', 3421, '2.0', 9, { units: 'V' }],
    ['3418/22 enumerates ON;OFF on a float', 3418, '2.1', 22, { type: 'float', rangeEnumeration: 'ON;OFF' }],
    ['3431 has RangeEnumeration "None"', 3431, '1.2', 1, { type: 'boolean' }],
    ['3430/17 is named "Satellite identifiers"', 3430, '2.0', 17, { name: 'Satellite identifiers' }],
    ['3430/18 is also named "Satellite identifiers"', 3430, '2.0', 18, { name: 'Satellite identifiers' }],
  ])('keeps the registry quirk: %s', (_what, id, version, rid, expected) => {
    expect(fromXml.get(id, version)?.resources.get(rid)).toMatchObject(expected);
  });

  it('keeps the registry quirk: 3433/3 (noise sensor value) has no unit', () => {
    const r = fromXml.get(3433, '1.1')?.resources.get(3);
    expect([r?.type, r?.units]).toEqual(['float', undefined]);
  });
});

describe('generated constants', () => {
  it('carry ids, names, types, units, operations and cardinalities from the XML', () => {
    const xml = fromXml.get(3424, '1.1')?.resources.get(1);
    expect(WaterMeterV1_1.resources[1]).toEqual({
      name: xml?.name,
      type: xml?.type,
      units: xml?.units,
      operations: xml?.operations,
      mandatory: xml?.mandatory,
      multiple: xml?.multiple,
    });
    expect(OutdoorLampControllerV3_0.resources[15].type).toBe('float');
    expect(Object.keys(OutdoorLampControllerV3_0.resources)).not.toContain('13');
    expect(OBJECT_IDS.waterMeter).toBe(3424);
    expect(Object.keys(OBJECT_IDS)).toHaveLength(fromXml.objectIds().length);
  });
});
