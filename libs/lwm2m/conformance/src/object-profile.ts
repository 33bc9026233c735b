import { ContentFormat } from '@smartcity/lwm2m-codec';
import { type DataType, type Lwm2mRecord, type ObjectModel } from '@smartcity/lwm2m-core';
import { rangeOf } from './cases';
import { isLwm2m11 } from './device-under-test';
import { decodeOutcome, expectCode, fail, pass } from './evaluation';
import { type ConformanceCase, type DeviceUnderTest, type StepOutcome } from './model';

/*
 * Object profiles (uCIFI objects 3410-3464 and the OMA/IPSO objects with a DDF): for each object the device
 * declares, the first instance is read and checked against the DDF of the object version it announced
 * (Core 1.1.1 §7.1, §7.2.2 object versions; uCIFI DDFs). 501 mandatory resources, 502 data types, 503 ranges.
 */

/** Objects never profiled: Security (0) and OSCORE (21) are not readable by a Device Management server. */
const UNPROFILED = new Set([0, 21]);

/**
 * The format the profile reads in: SenML JSON carries a value's own type (`v`, `vs`, `vb`, `vd`, `vlo`), so a
 * wrong type is visible (1.1+ devices, Core 1.1.1 §7.4.5); a 1.0 device is read in TLV and typed by the DDF.
 */
function profileFormat(d: DeviceUnderTest): number {
  return isLwm2m11(d) ? ContentFormat.SENML_JSON : ContentFormat.TLV;
}

/** Which intrinsic types a DDF type may arrive as in SenML (numbers are `v`, strings `vs`, ...). */
const COMPATIBLE: Readonly<Record<DataType, readonly DataType[]>> = {
  string: ['string'],
  integer: ['integer', 'unsigned', 'float'],
  unsigned: ['integer', 'unsigned', 'float'],
  float: ['integer', 'unsigned', 'float'],
  time: ['time', 'integer', 'unsigned', 'float'],
  boolean: ['boolean'],
  opaque: ['opaque'],
  objlnk: ['objlnk'],
  corelnk: ['corelnk', 'string'],
  none: ['none'],
};

export function objectProfileCases(d: DeviceUnderTest): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const o of d.objects) {
    if (UNPROFILED.has(o.id)) continue;
    const model = d.models.getObjectModel(o.id);
    const instance = o.instances[0];
    const name = `${model?.name ?? `object ${o.id}`} (${o.id} v${o.version})`;
    const notApplicable = (): string | null =>
      !model
        ? `no DDF for object ${o.id} v${o.version}`
        : instance === undefined
          ? `no instance of /${o.id} announced`
          : null;
    const path = `/${o.id}/${instance ?? 0}`;
    const steps = () => [
      {
        title: `Read ${path} (Accept ${profileFormat(d)})`,
        request: { op: 'read' as const, path, accept: profileFormat(d) },
      },
    ];
    const base = {
      group: 'object-profile' as const,
      safe: true,
      notApplicable,
      steps,
    };
    cases.push(
      {
        ...base,
        id: `501/${o.id}`,
        title: `${name}: mandatory resources present`,
        clause: `DDF ${o.id} v${o.version} (Mandatory), Core 1.1.1 §7.1`,
        passCriteria: `Every mandatory readable resource of ${o.id} v${o.version} is in a Read of ${path}.`,
        evaluate: (out) =>
          withRecords(out[0], path, d, model, (records, m) => {
            const present = new Set(records.map((r) => r.path.resourceId));
            const missing = [...m.resources.values()].filter(
              (r) => r.mandatory && (r.operations === 'R' || r.operations === 'RW') && !present.has(r.id),
            );
            return missing.length
              ? fail(`mandatory resource(s) missing: ${missing.map((r) => `${r.id} "${r.name}"`).join(', ')}`)
              : pass(`${present.size} resources, all mandatory ones present`);
          }),
      },
      {
        ...base,
        id: `502/${o.id}`,
        title: `${name}: data types per DDF`,
        clause: `DDF ${o.id} v${o.version} (Type), Core 1.1.1 Appendix C (data types), §7.4.5 (SenML)`,
        passCriteria: `Each value of ${path} has the type its DDF declares (integer, float, boolean, string, ...).`,
        evaluate: (out) =>
          withRecords(out[0], path, d, model, (records, m) => {
            const wrong: string[] = [];
            const unknown: string[] = [];
            for (const r of records) {
              const res = m.resources.get(r.path.resourceId ?? -1);
              if (!res) {
                unknown.push(r.path.toString());
                continue;
              }
              if (!COMPATIBLE[res.type].includes(r.type)) {
                wrong.push(`${r.path.toString()} "${res.name}" is ${r.type}, the DDF says ${res.type}`);
              }
            }
            if (wrong.length) return fail(wrong.join('; '));
            if (unknown.length) return fail(`resource(s) not in the DDF: ${unknown.join(', ')}`);
            return pass(`${records.length} values typed as the DDF declares${unitsOf(records, m)}`);
          }),
      },
      {
        ...base,
        id: `503/${o.id}`,
        title: `${name}: values within the DDF ranges`,
        clause: `DDF ${o.id} v${o.version} (RangeEnumeration)`,
        passCriteria: `Each numeric value of ${path} with a declared range lies within it.`,
        evaluate: (out) =>
          withRecords(out[0], path, d, model, (records, m) => {
            const outside: string[] = [];
            let checked = 0;
            for (const r of records) {
              const res = m.resources.get(r.path.resourceId ?? -1);
              const range = rangeOf(res?.rangeEnumeration);
              if (!res || !range || typeof r.value !== 'number') continue;
              checked++;
              if (r.value < range.min || r.value > range.max) {
                outside.push(
                  `${r.path.toString()} "${res.name}" = ${r.value}, range ${res.rangeEnumeration}`,
                );
              }
            }
            return outside.length
              ? fail(outside.join('; '))
              : pass(`${checked} ranged value(s) within range`);
          }),
      },
    );
  }
  return cases;
}

function withRecords(
  o: StepOutcome | undefined,
  path: string,
  d: DeviceUnderTest,
  model: ObjectModel | undefined,
  check: (records: Lwm2mRecord[], model: ObjectModel) => ReturnType<typeof pass>,
): ReturnType<typeof pass> {
  const bad = expectCode(o, '2.05');
  if (bad || !o || !model) return fail(bad ?? 'no model');
  // Decoded with the types the format carries, so a wrong type is seen as such; a 1.0 device's TLV carries none:
  // it is decoded with the DDF (a value that does not fit its type fails the decoding).
  const decoded = decodeOutcome(o, path, d.models, o.contentFormat === ContentFormat.TLV);
  if ('error' in decoded) return fail(`${o.title}: ${decoded.error}`);
  return check(decoded.records, model);
}

/** "; units: 3 Dimming level /100, ..." the DDF units of the values read (evidence for normalization). */
function unitsOf(records: readonly Lwm2mRecord[], m: ObjectModel): string {
  const units = records
    .map((r) => m.resources.get(r.path.resourceId ?? -1))
    .filter((r) => r?.units)
    .map((r) => `${r?.id} ${r?.units}`);
  return units.length ? `; units per DDF: ${[...new Set(units)].join(', ')}` : '';
}
