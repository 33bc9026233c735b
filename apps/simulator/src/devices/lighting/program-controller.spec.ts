import { ObjectTree } from '@smartcity/lwm2m-client';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { compileProgram, localTimeToUtc, sunEvents, type LightingProgram } from '@smartcity/ucifi-lighting';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { SeededRandom } from '../../random/seeded-random';
import { cityProfile } from '../city-profile';
import { createDevice } from '../device-factory';
import { VENDOR_PROFILES } from '../vendor-profiles';
import { DEFAULT_PROGRAM_MANAGER, ProgramController, cityTimeZone } from './program-controller';

const registry = loadBundledRegistry();
const model = (id: number, version: string) => registry.get(id, version)!;
const LYON = { latitude: 45.76, longitude: 4.84 };
const PARIS = 'Europe/Paris';
const NIGHT: LightingProgram = {
  schedules: [
    {
      name: 'night',
      priority: 10,
      steps: [
        { at: 'S+30', level: 100 },
        { at: '00:00', level: 30 },
        { at: 'R-15', level: 0 },
      ],
      transition: { fadeSeconds: 30 },
    },
  ],
};

function lamp(): { tree: ObjectTree; controller: ProgramController } {
  const tree = new ObjectTree();
  tree.addObject(model(3416, '2.0'));
  tree.addInstance(3416, 0, { 1: 0, 3: 0 });
  const controller = ProgramController.install(tree, model, LYON, PARIS);
  return { tree, controller };
}

/** Writes the compiled instances as the server's Create requests would. */
function commission(tree: ObjectTree, program: LightingProgram): void {
  const caps = { ...DEFAULT_PROGRAM_MANAGER };
  for (const inst of compileProgram(program, caps).instances) {
    const values: Record<number, unknown> = {};
    for (const [rid, v] of Object.entries(inst.resources)) {
      values[Number(rid)] =
        typeof v === 'object' ? new Map(Object.entries(v).map(([k, x]) => [Number(k), x])) : v;
    }
    tree.addInstance(inst.objectId, inst.instanceId, values as never);
  }
}

const p = (s: string) => Lwm2mPath.parse(s);

describe('simulated program controller (3452-3458)', () => {
  it('announces its capacity and capabilities in 3457/0', () => {
    const { tree } = lamp();
    expect(tree.get(p('/3457/0/0'))).toBe(8);
    expect(tree.get(p('/3457/0/13'))).toBe(DEFAULT_PROGRAM_MANAGER.supportedCapabilities);
  });

  it('dims on schedule: full 30 min after sunset, 30 % after midnight, off before sunrise; 3458 counts', () => {
    const { tree, controller } = lamp();
    commission(tree, NIGHT);
    const sunset = sunEvents(LYON, 2026, 12, 7).sunset!;
    expect(controller.evaluate(sunset + 20 * 60_000)).toBe(0);
    expect(tree.get(p('/3457/0/1'))).toBe(1);
    expect(controller.evaluate(sunset + 31 * 60_000)).toBe(100);
    expect(tree.get(p('/3416/0/1'))).toBe(100);
    expect(controller.evaluate(localTimeToUtc(PARIS, { year: 2026, month: 12, day: 8 }, 3600))).toBe(30);
    expect(tree.get(p('/3416/0/1'))).toBe(30);
    expect(tree.get(p('/3458/0/0'))).toBe('night');
    expect(tree.get(p('/3458/0/1'))).toBe(2);
    expect(tree.get(p('/3458/0/4'))).toBe(3);
    expect(tree.get(p('/3458/0/5'))).toBe(3);
    expect(tree.get(p('/3458/0/8/0'))).toBe('30');
    expect(tree.get(p('/3457/0/11'))).toBe(0);
  });

  it('reports a time syntax error in 3458/2 and 3457/11', () => {
    const { tree, controller } = lamp();
    commission(tree, NIGHT);
    tree.set(p('/3454/0/4'), new Map([[0, 'S+30;24:00;R-15']]));
    expect(controller.evaluate(Date.UTC(2026, 11, 7, 20))).toBeNull();
    expect(tree.get(p('/3458/0/2'))).toBe(2);
    expect(tree.get(p('/3457/0/11'))).toBe(1 | (1 << 5));
  });

  it('adopts a fleet device whose profile announces the program objects (empty instances dropped)', () => {
    const tree = new ObjectTree();
    for (const [id, v] of [
      [3416, '2.0'],
      [3452, '1.0'],
      [3453, '1.0'],
      [3454, '1.0'],
      [3456, '1.0'],
      [3457, '1.1'],
      [3458, '1.0'],
    ] as const) {
      tree.addObject(model(id, v));
      tree.addInstance(id, 0);
    }
    const controller = ProgramController.adopt(tree, LYON, PARIS)!;
    expect(tree.instanceIds(3452)).toEqual([]);
    expect(tree.get(p('/3457/0/0'))).toBe(DEFAULT_PROGRAM_MANAGER.maxProgramSchedulers);
    expect(controller.evaluate(Date.UTC(2026, 11, 7, 20))).toBeNull(); // nothing commissioned yet
    const plain = new ObjectTree();
    plain.addObject(model(3416, '2.0'));
    expect(ProgramController.adopt(plain, LYON, PARIS)).toBeUndefined();
  });

  it('wipes every schedule object on Execute /3457/0/16', () => {
    const { tree, controller } = lamp();
    commission(tree, NIGHT);
    controller.evaluate(Date.UTC(2026, 11, 7, 20));
    controller.reset();
    for (const id of [3452, 3453, 3454, 3456, 3458]) expect(tree.instanceIds(id)).toEqual([]);
    expect(tree.get(p('/3457/0/1'))).toBe(0);
  });

  it('drives a fleet streetlight of a vendor with program objects once a program is commissioned', () => {
    const vendor = VENDOR_PROFILES.streetlight.find((v) => 3457 in v.objects)!;
    const sunset = sunEvents(LYON, 2026, 12, 7).sunset!;
    const device = createDevice(
      { endpoint: 'lyon-sl', type: 'streetlight', vendor, index: 1 },
      registry,
      new SeededRandom('p'),
      cityProfile('lyon'),
      sunset - 3600_000,
      300,
    );
    // Not commissioned: the built-in schedule (off before dusk).
    expect(device.tree.get(p('/3416/0/3'))).toBe(0);
    commission(device.tree, NIGHT);
    device.behaviour.tick(sunset + 31 * 60_000, 60);
    expect(device.tree.get(p('/3416/0/3'))).toBe(100);
    device.behaviour.tick(localTimeToUtc(PARIS, { year: 2026, month: 12, day: 8 }, 1800), 60);
    expect(device.tree.get(p('/3416/0/3'))).toBe(30); // the program's 30 %, not the built-in 50 %
    expect(device.tree.get(p('/3458/0/5'))).toBe(2);
  });

  it('names the zone of a simulated city', () => {
    expect(cityTimeZone('lyon', 1)).toBe('Europe/Paris');
    expect(cityTimeZone('elsewhere', 2)).toBe('Etc/GMT-2');
    expect(cityTimeZone('elsewhere', 0)).toBe('UTC');
  });
});
