/**
 * End to end: simulated uCIFI devices over real UDP -> coap-ingest -> Kafka -> decoder -> TimescaleDB -> gateway
 * (GraphQL, Keycloak tokens). The apps run as child processes on ports and topics of their own; two test cities are
 * created with auto-provisioning by endpoint prefix and deleted afterwards.
 */
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { type Pipeline, startPipeline } from '../../bench/pipeline/platform-processes';
import { type Fleet } from '../../apps/simulator/src/fleet/fleet';
import { demoToken, eventually, graphql, runId, TestTenants } from './support/e2e-env';
import { startTestFleet } from './support/test-fleet';

jest.setTimeout(300_000);

interface DevicesData {
  devices: {
    edges: Array<{
      node: {
        endpoint: string;
        online: boolean;
        state: Array<{
          objectId: number;
          objectVersion: string | null;
          resources: Array<{ path: string; valueNum: number | null; valueBool: boolean | null }>;
        }>;
      };
    }>;
  };
}

interface AlarmsData {
  alarms: {
    edges: Array<{
      node: { type: string; status: string; sourcePath: string | null; device: { endpoint: string } | null };
    }>;
  };
}

const DEVICES = `query { devices(first: 20) { edges { node { endpoint online
  state { objectId objectVersion resources { path valueNum valueBool } } } } } }`;
const ACTIVE_ALARMS = `query { alarms(first: 100, filter: { status: ACTIVE }) { edges { node {
  type status sourcePath device { endpoint } } } } }`;

describe('a city through the whole pipeline', () => {
  const run = runId();
  const tenants = new TestTenants();
  let pipeline: Pipeline;
  let cityA: { id: string; prefix: string };
  let cityB: { id: string; prefix: string };
  let cityC: { id: string; prefix: string };
  let fleetA: Fleet;
  let fleetB: Fleet;
  let fleetC: Fleet;
  let admin: string;

  beforeAll(async () => {
    cityA = await tenants.create(`e2e${run}a`);
    cityB = await tenants.create(`e2e${run}b`);
    // City C's devices do not Send: the ingest observes them as the tenant's device profile says.
    cityC = await tenants.create(`e2e${run}c`, [
      { path: '/3416/0', attributes: { pmin: 1, pmax: 30 } },
      { path: '/3424/0/1', attributes: { pmin: 1, pmax: 30 } },
    ]);
    pipeline = await startPipeline(run, { gateway: true });
    // Keycloak may still be starting when the suite begins (stack up returns before the realm answers).
    admin = await eventually(() => demoToken('platform-admin'), 120_000, 'a platform-admin token');
    fleetA = await startTestFleet({
      tenant: cityA.id,
      prefix: cityA.prefix,
      devices: 12,
      coapPort: pipeline.coapPort,
      seed: 1,
    });
    fleetB = await startTestFleet({
      tenant: cityB.id,
      prefix: cityB.prefix,
      devices: 12,
      coapPort: pipeline.coapPort,
      seed: 2,
    });
    fleetC = await startTestFleet({
      tenant: cityC.id,
      prefix: cityC.prefix,
      devices: 9,
      coapPort: pipeline.coapPort,
      seed: 3,
      mode: 'observe',
    });
  });

  afterAll(async () => {
    await fleetA?.stop();
    await fleetB?.stop();
    await fleetC?.stop();
    await pipeline?.stop();
    await tenants.cleanup(
      pipeline ? [pipeline.uplinkTopic, pipeline.downlinkTopic, pipeline.downlinkResultTopic] : [],
    );
  });

  const devicesOf = async (tenant: string) => {
    const res = await graphql<DevicesData>(pipeline.gatewayUrl as string, admin, tenant, DEVICES);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data?.devices.edges.map((e) => e.node) ?? [];
  };

  it('registers every simulated device with the ingest', () => {
    expect(fleetA.counters).toMatchObject({ registered: 12, registerFailures: 0 });
    expect(fleetB.counters).toMatchObject({ registered: 12, registerFailures: 0 });
  });

  it("shows each city's fleet and its live values through GraphQL within seconds, and only that city's", async () => {
    const started = Date.now();
    const devices = await eventually(
      async () => {
        const list = await devicesOf(cityA.id);
        const withState = list.filter((d) => d.state.length > 0);
        return withState.length === fleetA.size ? list : undefined;
      },
      60_000,
      `state of the ${fleetA.size} devices of ${cityA.id}`,
    );
    const seconds = (Date.now() - started) / 1000;
    expect(devices.map((d) => d.endpoint).sort()).toEqual([...fleetA.endpoints].sort());
    expect(seconds).toBeLessThan(60);
    // A water meter's cumulative volume in the database is the one the device reported (it only grows).
    const meter = fleetA.endpoints.find((e) => e.includes('-wm-')) as string;
    const stored = devices
      .find((d) => d.endpoint === meter)
      ?.state.find((s) => s.objectId === 3424)
      ?.resources.find((r) => r.path === '/3424/0/1')?.valueNum;
    const current = fleetA.device(meter)?.values.num('/3424/0/1') ?? NaN;
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThanOrEqual(current + 1e-6);
    expect(current - (stored as number)).toBeLessThan(1);
    const other = await devicesOf(cityB.id);
    expect(other.every((d) => d.endpoint.startsWith(cityB.prefix))).toBe(true);
    expect(other.some((d) => d.endpoint.startsWith(cityA.prefix))).toBe(false);
  });

  it("refuses a city user another city's data", async () => {
    const lyonViewer = await demoToken('lyon-viewer');
    const res = await graphql<DevicesData>(pipeline.gatewayUrl as string, lyonViewer, cityA.id, DEVICES);
    expect(res.data?.devices).toBeFalsy();
    expect(res.errors?.length).toBeGreaterThan(0);
  });

  it('turns an injected leak into an active alarm in the right city only', async () => {
    const meter = fleetA.inject('leak');
    expect(meter).toBeDefined();
    const alarm = await eventually(
      async () => {
        const res = await graphql<AlarmsData>(pipeline.gatewayUrl as string, admin, cityA.id, ACTIVE_ALARMS);
        if (res.errors) throw new Error(JSON.stringify(res.errors));
        return res.data?.alarms.edges
          .map((e) => e.node)
          .find((a) => a.type === 'leak_detected' && a.device?.endpoint === meter);
      },
      60_000,
      `a leak alarm on ${meter}`,
    );
    expect(alarm).toMatchObject({ status: 'ACTIVE', sourcePath: '/3424/0/10' });
    const inB = await graphql<AlarmsData>(pipeline.gatewayUrl as string, admin, cityB.id, ACTIVE_ALARMS);
    expect(inB.errors).toBeUndefined();
    expect(inB.data?.alarms.edges.filter((e) => e.node.type.startsWith('leak'))).toEqual([]);
  });

  const streetlightLevel = async (tenant: string, endpoint: string) => {
    const list = await devicesOf(tenant);
    return list
      .find((d) => d.endpoint === endpoint)
      ?.state.find((st) => st.objectId === 3416)
      ?.resources.find((r) => r.path === '/3416/0/3')?.valueNum;
  };

  it('reports through the observations the ingest sets up from the tenant device profile', async () => {
    const light = fleetC.endpoints.find((e) => e.includes('-sl-')) as string;
    await eventually(
      async () => ((fleetC.client(light)?.observationCount ?? 0) > 0 ? true : undefined),
      60_000,
      `observations on ${light}`,
    );
    const level = await eventually(
      () => streetlightLevel(cityC.id, light),
      60_000,
      `dimming level of ${light}`,
    );
    expect(level).toBe(fleetC.device(light)?.values.num('/3416/0/3'));
  });

  it('round-trips a dimming command from GraphQL: the lamp applies it and reports the new level', async () => {
    const light = fleetC.endpoints.find((e) => e.includes('-sl-')) as string;
    const device = fleetC.device(light);
    const target = device?.values.num('/3416/0/3') === 30 ? 40 : 30;
    const gateway = pipeline.gatewayUrl as string;
    const found = await graphql<{ devices: { edges: Array<{ node: { id: string; endpoint: string } }> } }>(
      gateway,
      admin,
      cityC.id,
      `
        query {
          devices(first: 20) {
            edges {
              node {
                id
                endpoint
              }
            }
          }
        }
      `,
    );
    const deviceId = found.data?.devices.edges.find((e) => e.node.endpoint === light)?.node.id;
    expect(deviceId).toBeDefined();
    const issued = await graphql<{ setLampLevel: { commands: Array<{ id: string }>; refused: unknown[] } }>(
      gateway,
      admin,
      cityC.id,
      `
        mutation ($ids: [ID!], $level: Int!) {
          setLampLevel(devices: { deviceIds: $ids }, level: $level) {
            commands {
              id
            }
            refused {
              reason
            }
          }
        }
      `,
      { ids: [deviceId], level: target },
    );
    expect(issued.errors).toBeUndefined();
    const commandId = issued.data?.setLampLevel.commands[0]?.id as string;
    const done = await eventually(
      async () => {
        const res = await graphql<{ command: { status: string; coapCode: string | null } | null }>(
          gateway,
          admin,
          cityC.id,
          `
            query ($id: ID!) {
              command(id: $id) {
                status
                coapCode
              }
            }
          `,
          { id: commandId },
        );
        const status = res.data?.command?.status;
        return status && status !== 'PENDING' && status !== 'SENT' ? res.data?.command : undefined;
      },
      60_000,
      'the command outcome',
    );
    expect(done).toMatchObject({ status: 'SUCCEEDED', coapCode: '2.04' });
    expect(device?.tree.get(Lwm2mPath.parse('/3416/0/1'))).toBe(target);
    // The lamp's observation (/3416/0, from the device profile) brings the new level back to the platform.
    await eventually(
      async () => ((await streetlightLevel(cityC.id, light)) === target ? true : undefined),
      30_000,
      `level ${target} reported`,
    );
  });
});
