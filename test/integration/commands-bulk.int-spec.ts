/**
 * A bulk device command on the real stack (issue 9): one setLampLevel mutation dims 100 lamps registered through
 * two ingest instances; every command reports SUCCEEDED, the lamps notify their new dimming level (observed per
 * the device profile), the decoder stores it, and GraphQL shows it in each device's state.
 */
import { tokenOf } from '../../apps/gateway/test/support/keycloak-tokens';
import { CommandsWorld, eventually, gql, type GqlResponse } from './support/commands-world';

interface DevicesPage {
  devices: {
    edges: { node: { state: { resources: { path: string; valueNum: number | null }[] }[] } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

jest.setTimeout(240_000);

const LAMPS = 100;

describe('bulk lamp dimming', () => {
  const world = new CommandsWorld();

  beforeAll(async () => {
    await world.start({ decoder: true });
  });

  afterAll(async () => {
    await world.cleanup();
  });

  /** The dimming level in each bulk lamp's state, through GraphQL (pages of 25: the cost limit bounds a page). */
  async function dimmingLevels(token: string): Promise<(number | null)[]> {
    const out: (number | null)[] = [];
    let after: string | null = null;
    for (;;) {
      const r: GqlResponse<DevicesPage> = await gql<DevicesPage>(
        world.gatewayUrl,
        token,
        `query($s: String!, $after: String) { devices(filter: { search: $s }, first: 25, after: $after) {
           edges { node { state { resources { path valueNum } } } } pageInfo { hasNextPage endCursor } } }`,
        { s: `cmd-${world.run}-bulk-`, after },
      );
      if (r.errors.length > 0) throw new Error(JSON.stringify(r.errors));
      const page = r.data!.devices;
      for (const e of page.edges) {
        const v = e.node.state.flatMap((x) => x.resources).find((x) => x.path === '/3416/0/3');
        out.push(v?.valueNum ?? null);
      }
      if (!page.pageInfo.hasNextPage) return out;
      after = page.pageInfo.endCursor;
    }
  }

  it('dims 100 lamps with one mutation: all SUCCEEDED and the new level is in their state', async () => {
    const operator = await tokenOf('lyon-operator');
    const profile = await world.profile([{ path: '/3416/0/3' }]);
    const devices = await world.provision(LAMPS, { kind: 'bulk', profile });
    const lamps: Awaited<ReturnType<CommandsWorld['lamp']>>[] = [];
    for (let i = 0; i < devices.length; i += 20) {
      lamps.push(
        ...(await Promise.all(
          devices
            .slice(i, i + 20)
            .map((d, j) => world.lamp(d.endpoint, { port: world.ingests[(i + j) % 2]!.coapPort })),
        )),
      );
    }
    // Each ingest observes /3416/0/3 right after the registration (profile): wait until all observations exist.
    await eventually(
      async () => lamps.filter((l) => l.client.observationCount > 0).length,
      (n) => n === LAMPS,
      30_000,
    );

    const res = await gql<{
      setLampLevel: { batchId: string; commands: { id: string; status: string }[]; refused: unknown[] };
    }>(
      world.gatewayUrl,
      operator,
      `mutation($f: DeviceFilter!) { setLampLevel(devices: { filter: $f }, level: 37) {
         batchId commands { id status } refused { deviceId reason } } }`,
      { f: { search: `cmd-${world.run}-bulk-` } },
    );
    expect(res.errors).toEqual([]);
    const batch = res.data!.setLampLevel;
    expect(batch.commands).toHaveLength(LAMPS);
    expect(batch.refused).toEqual([]);

    const statuses = await eventually(
      async () =>
        (
          await gql<{ commands: { status: string }[] }>(
            world.gatewayUrl,
            operator,
            `query($b: ID!) { commands(filter: { batchId: $b }, first: 500) { status } }`,
            { b: batch.batchId },
          )
        ).data?.commands.map((c) => c.status) ?? [],
      (s) => s.length === LAMPS && s.every((x) => x === 'SUCCEEDED'),
      60_000,
      500,
    );
    expect(statuses.filter((s) => s === 'SUCCEEDED')).toHaveLength(LAMPS);
    expect(lamps.every((l) => l.writes.length === 1 && l.writes[0] === 37)).toBe(true);

    const levels = await eventually(
      () => dimmingLevels(operator),
      (l) => l.length === LAMPS && l.every((v) => v === 37),
      60_000,
      1000,
    );
    expect(levels).toEqual(Array.from({ length: LAMPS }, () => 37));
  });
});
