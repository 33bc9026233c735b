/**
 * A lighting program from GraphQL to a simulated lamp controller (issue 19): the gateway compiles it for the
 * controller's Program Manager (read over LwM2M), sends Execute /3457/0/16 and the Create of each 3453/3456/3454/
 * 3452 instance through two ingest instances to a real LwM2M client over UDP; the lamp holds and runs them
 * (apps/simulator ProgramController): it dims at a simulated sunset, its 3458 counters move, the read-back equals
 * the program, a change on the device is DRIFT, and a controller without the astronomical capability is refused.
 */
import { UdpTransport, udpPeer } from '@smartcity/coap';
import { Lwm2mClient, ObjectTree } from '@smartcity/lwm2m-client';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { type LightingProgram, sunEvents } from '@smartcity/ucifi-lighting';
import {
  DEFAULT_PROGRAM_MANAGER,
  PROGRAM_OBJECT_VERSIONS,
  ProgramController,
} from '../../../apps/simulator/src/devices/lighting/program-controller';
import { tokenOf } from '../../../apps/gateway/test/support/keycloak-tokens';
import { CommandsWorld, eventually, gql, models } from '../support/commands-world';

jest.setTimeout(180_000);

const LYON = { latitude: 45.76, longitude: 4.84 };
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
      transition: { fadeSeconds: 30, curve: 'linear' },
    },
  ],
};
const OBJECTS: Record<string, string> = {
  '1': '1.1',
  '3': '1.1',
  '3416': '2.0',
  ...Object.fromEntries(Object.entries(PROGRAM_OBJECT_VERSIONS).map(([k, v]) => [k, v])),
};
const STATUS = `deviceId state detail appliedVersion commandIds
  monitor { instanceId programName status errorConditions executionCounter }`;

interface LampStatus {
  deviceId: string;
  state: string;
  detail: string;
  appliedVersion: number | null;
  commandIds: string[];
  monitor: {
    instanceId: number;
    programName: string;
    status: number;
    errorConditions: number;
    executionCounter: number;
  }[];
}

describe('lighting program applied to a simulated lamp controller', () => {
  const world = new CommandsWorld();
  const clients: Lwm2mClient[] = [];
  let operator: string;

  beforeAll(async () => {
    await world.start({ responseTimeoutMs: 4000 });
    operator = await tokenOf('lyon-operator');
  });

  afterAll(async () => {
    for (const c of clients) await c.stop({ deregister: false }).catch(() => undefined);
    await world.owner
      .query('DELETE FROM lighting_programs WHERE name LIKE $1', [`light-${world.run}-%`])
      .catch(() => undefined);
    await world.cleanup();
  });

  const call = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const res = await gql<T>(world.gatewayUrl, operator, query, variables);
    expect(res.errors).toEqual([]);
    return res.data!;
  };

  async function lamp(endpoint: string, supportedCapabilities: number) {
    const tree = new ObjectTree();
    for (const [id, version] of [
      [1, '1.1'],
      [3, '1.1'],
      [3416, '2.0'],
    ] as const) {
      tree.addObject(models.get(id, version)!);
    }
    tree.addInstance(1, 0, { 0: 1, 1: 300, 7: 'U' });
    tree.addInstance(3, 0, { 0: 'smartcity-tests' });
    tree.addInstance(3416, 0, { 1: 0, 3: 0 });
    const controller = ProgramController.install(tree, (id, v) => models.get(id, v)!, LYON, 'Europe/Paris', {
      ...DEFAULT_PROGRAM_MANAGER,
      supportedCapabilities,
    });
    const client = new Lwm2mClient({
      endpoint,
      server: udpPeer('127.0.0.1', world.ingests[0]!.coapPort),
      tree,
      transport: new UdpTransport({ host: '127.0.0.1' }),
      lifetime: 300,
    });
    clients.push(client);
    await client.register();
    return { tree, controller };
  }

  it('compiles, creates, runs at sunset, verifies equal, then shows drift; refuses a controller without capability', async () => {
    const [a, b] = await world.provision(2, { kind: 'light', objects: OBJECTS });
    const full = await lamp(a!.endpoint, DEFAULT_PROGRAM_MANAGER.supportedCapabilities);
    const noAstro = await lamp(b!.endpoint, DEFAULT_PROGRAM_MANAGER.supportedCapabilities & ~1);

    const { createLightingProgram: program } = await call<{ createLightingProgram: { id: string } }>(
      'mutation($i: CreateLightingProgramInput!) { createLightingProgram(input: $i) { id } }',
      { i: { name: `light-${world.run}-night`, definition: NIGHT } },
    );
    const assigned = await call<{ assignLightingProgram: { assigned: string[] } }>(
      'mutation($p: ID!, $t: DeviceTargets!) { assignLightingProgram(programId: $p, targets: $t) { assigned } }',
      { p: program.id, t: { deviceIds: [a!.id, b!.id] } },
    );
    expect(assigned.assignLightingProgram.assigned.sort()).toEqual([a!.id, b!.id].sort());

    // Apply: the Program Managers are read over LwM2M (waited for), then the program goes to the lamp that fits.
    const applied = await call<{ applyLightingProgram: LampStatus[] }>(
      `mutation($p: ID!) { applyLightingProgram(programId: $p, waitSeconds: 20) { ${STATUS} } }`,
      { p: program.id },
    );
    const refused = applied.applyLightingProgram.find((s) => s.deviceId === b!.id)!;
    expect(refused).toMatchObject({ state: 'FAILED', commandIds: [] });
    expect(refused.detail).toMatch(
      /needs "astronomicalEvents" \(3457\/13 bit 0\), which the controller does not support/,
    );
    expect(applied.applyLightingProgram.find((s) => s.deviceId === a!.id)!.commandIds).toHaveLength(4);

    const statuses = () =>
      call<{ lightingLampStatuses: LampStatus[] }>(
        `query($p: ID!) { lightingLampStatuses(programId: $p) { ${STATUS} } }`,
        { p: program.id },
      ).then((d) => d.lightingLampStatuses.find((s) => s.deviceId === a!.id)!);
    const done = await eventually(statuses, (s) => s.state !== 'PENDING', 30_000, 250);
    expect(done).toMatchObject({ state: 'APPLIED', detail: 'applied, not verified', appliedVersion: 1 });
    // The lamp holds the compiled instances; the refused one holds nothing.
    expect(full.tree.get(Lwm2mPath.parse('/3454/0/4/0'))).toBe('S+30;00:00;R-15');
    expect(full.tree.get(Lwm2mPath.parse('/3452/0/6/0'))).toBe('</3416/0>');
    expect(noAstro.tree.instanceIds(3452)).toEqual([]);

    // The controller runs the program at a simulated sunset: full level 30 min after it, 3458 counters move.
    const sunset = sunEvents(LYON, 2026, 12, 11).sunset!;
    expect(full.controller.evaluate(sunset + 10 * 60_000)).toBe(0);
    expect(full.controller.evaluate(sunset + 31 * 60_000)).toBe(100);
    expect(full.tree.get(Lwm2mPath.parse('/3416/0/1'))).toBe(100);

    // Verify: reads of 3452/3453/3454/3456/3458 equal the program; the monitor shows it running.
    await call('mutation($p: ID!) { verifyLightingProgram(programId: $p) { deviceId } }', { p: program.id });
    const verified = await eventually(
      statuses,
      (s) => s.detail !== 'applied; verification pending',
      30_000,
      250,
    );
    expect(verified).toMatchObject({
      state: 'APPLIED',
      detail: 'applied and read back equal',
      monitor: [{ instanceId: 0, programName: 'night', status: 2, errorConditions: 0, executionCounter: 2 }],
    });

    // Someone changes the function on the device: the next verification is DRIFT, naming the resource.
    full.tree.set(Lwm2mPath.parse('/3454/0/5'), new Map([[0, '100;50;0']]));
    await call('mutation($p: ID!) { verifyLightingProgram(programId: $p) { deviceId } }', { p: program.id });
    const drift = await eventually(statuses, (s) => s.state !== 'APPLIED', 30_000, 250);
    expect(drift).toMatchObject({
      state: 'DRIFT',
      detail: 'the controller holds /3454/0/5/0 = "100;50;0", the program has "100;30;0"',
    });

    // Re-apply where it drifted: only lamp A gets commands (B stays FAILED, untouched); it holds the program again.
    const again = await call<{ applyLightingProgram: LampStatus[] }>(
      `mutation($p: ID!) { applyLightingProgram(programId: $p, waitSeconds: 20, states: [DRIFT]) { ${STATUS} } }`,
      { p: program.id },
    );
    expect(again.applyLightingProgram.map((s) => [s.deviceId, s.commandIds.length > 0])).toEqual(
      expect.arrayContaining([
        [a!.id, true],
        [b!.id, false],
      ]),
    );
    await eventually(statuses, (s) => s.state !== 'PENDING', 30_000, 250);
    // The Program Manager was read once: the re-apply used that read.
    const { rows: reads } = await world.owner.query(
      "SELECT id FROM commands WHERE device_id = $1 AND type = 'lighting-read-capabilities'",
      [a!.id],
    );
    expect(reads).toHaveLength(1);
    await call('mutation($p: ID!) { verifyLightingProgram(programId: $p) { deviceId } }', { p: program.id });
    const repaired = await eventually(
      statuses,
      (s) => s.detail !== 'applied; verification pending',
      30_000,
      250,
    );
    expect(repaired).toMatchObject({ state: 'APPLIED', detail: 'applied and read back equal' });
    expect(full.tree.get(Lwm2mPath.parse('/3454/0/5/0'))).toBe('100;30;0');
  });
});
