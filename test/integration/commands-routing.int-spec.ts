/**
 * Device commands end to end on the real stack (issue 9): GraphQL mutation (Keycloak token of a demo user) ->
 * gateway -> lwm2m.downlink.v1 -> the ingest instance that owns the endpoint (two instances, Redis ownership) ->
 * a simulated LwM2M client over UDP -> lwm2m.downlink-result.v1 -> commands table -> GraphQL.
 */
import { Kafka, logLevel } from 'kafkajs';
import { tokenOf } from '../../apps/gateway/test/support/keycloak-tokens';
import { TestSubscriber } from '../../apps/gateway/test/support/ws-subscriber';
import { CommandsWorld, eventually, gql, MuteableTransport } from './support/commands-world';

jest.setTimeout(180_000);

interface CommandView {
  id: string;
  status: string;
  coapCode: string | null;
  error: string | null;
  issuedBy: string;
  type: string;
  values?: { path: string; value: unknown }[] | null;
}

const COMMAND_FIELDS = 'id status coapCode error issuedBy type';

describe('device commands through the gateway and two ingest instances', () => {
  const world = new CommandsWorld();
  let operator: string;

  beforeAll(async () => {
    await world.start({ responseTimeoutMs: 4000, awakeWindowS: 1 });
    operator = await tokenOf('lyon-operator');
  });

  afterAll(async () => {
    await world.cleanup();
  });

  const command = async (id: string): Promise<CommandView | null> =>
    (
      await gql<{ command: CommandView | null }>(
        world.gatewayUrl,
        operator,
        `query($id: ID!) { command(id: $id) { ${COMMAND_FIELDS} values { path value } } }`,
        { id },
      )
    ).data?.command ?? null;

  const settle = (id: string, timeoutMs = 20_000) =>
    eventually(
      () => command(id),
      (c) => !!c && !['PENDING', 'SENT'].includes(c.status),
      timeoutMs,
    );

  const write = async (
    deviceId: string,
    path: string,
    value: unknown,
    options: Record<string, unknown> = {},
  ) => {
    const res = await gql<{ writeResource: CommandView }>(
      world.gatewayUrl,
      operator,
      `mutation($d: ID!, $p: String!, $v: JSON!, $o: CommandOptions) {
         writeResource(deviceId: $d, path: $p, value: $v, options: $o) { ${COMMAND_FIELDS} } }`,
      { d: deviceId, p: path, v: value, o: options },
    );
    expect(res.errors).toEqual([]);
    return res.data!.writeResource;
  };

  it('delivers a write to a device registered through instance A and reports SUCCEEDED', async () => {
    const [device] = await world.provision(1, { kind: 'a' });
    const lamp = await world.lamp(device!.endpoint, { port: world.ingests[0]!.coapPort });
    const issued = await write(device!.id, '/3416/0/1', 42);
    expect(issued).toMatchObject({ status: 'PENDING', issuedBy: 'lyon-operator', type: 'write' });
    const done = await settle(issued.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', coapCode: '2.04' });
    expect(lamp.writes).toEqual([42]);
  });

  it('shows the lifecycle on the commandUpdated subscription and on city.<tenant>.events.v1', async () => {
    const [device] = await world.provision(1, { kind: 'events' });
    await world.lamp(device!.endpoint, { port: world.ingests[1]!.coapPort });
    const subscriber = new TestSubscriber<{ commandUpdated: { id: string; status: string } }>(
      world.gatewayUrl,
      {
        authorization: `Bearer ${operator}`,
      },
    ).start(`subscription($d: ID) { commandUpdated(deviceId: $d) { id status coapCode } }`, {
      d: device!.id,
    });
    const kafka = new Kafka({
      brokers: ['127.0.0.1:9092'],
      clientId: `cmd-${world.run}`,
      logLevel: logLevel.NOTHING,
    });
    const events: { type: string; command: { id: string; status: string } }[] = [];
    const consumer = kafka.consumer({ groupId: `cmd-events-${world.run}` });
    try {
      // The subscription is live once it delivers something: prime it with commands until one is seen.
      for (let i = 0; i < 20 && subscriber.messages.length === 0; i++) {
        await write(device!.id, '/3416/0/1', 1);
        await new Promise((r) => setTimeout(r, 1000));
      }
      const issued = await write(device!.id, '/3416/0/1', 12);
      await subscriber.waitFor(
        (m) => m?.commandUpdated.id === issued.id && m.commandUpdated.status === 'SENT',
        20_000,
      );
      await subscriber.waitFor(
        (m) => m?.commandUpdated.id === issued.id && m.commandUpdated.status === 'SUCCEEDED',
        20_000,
      );
      await consumer.connect();
      await consumer.subscribe({ topic: 'city.lyon.events.v1', fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const e = JSON.parse(message.value?.toString() ?? '{}') as (typeof events)[number];
          if (e.command?.id === issued.id) events.push(e);
        },
      });
      const seen = await eventually(
        async () => events.map((e) => e.command.status),
        (s) => s.includes('SUCCEEDED'),
        30_000,
      );
      expect(seen).toEqual(['SENT', 'SUCCEEDED']);
      expect(events.every((e) => e.type === 'command.updated')).toBe(true);
    } finally {
      await consumer.disconnect().catch(() => undefined);
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteGroups([`cmd-events-${world.run}`]).catch(() => undefined);
      await admin.disconnect();
      await subscriber.close();
    }
  });

  it('reads a resource and returns its decoded value', async () => {
    const [device] = await world.provision(1, { kind: 'read' });
    await world.lamp(device!.endpoint, { port: world.ingests[1]!.coapPort });
    const res = await gql<{ readResource: CommandView }>(
      world.gatewayUrl,
      operator,
      `mutation($d: ID!) { readResource(deviceId: $d, path: "/3416/0/3") { id } }`,
      { d: device!.id },
    );
    expect(res.errors).toEqual([]);
    const done = await settle(res.data!.readResource.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', coapCode: '2.05' });
    expect(done?.values).toEqual([{ path: '/3416/0/3', value: 80 }]);
  });

  it.each([
    ['discover', `discover(deviceId: $d, path: "/3416/0")`, '2.05'],
    [
      'writeAttributes',
      `writeAttributes(deviceId: $d, path: "/3416/0/3", attributes: { pmin: 1, pmax: 60 })`,
      '2.04',
    ],
    ['observe', `observe(deviceId: $d, path: "/3416/0/3")`, '2.05'],
    ['partial write', `writeResource(deviceId: $d, path: "/3416/0", value: $v, partial: true)`, '2.04'],
    ['createInstance', `createInstance(deviceId: $d, objectId: 3416, instanceId: 1, values: $v)`, '2.01'],
    ['readComposite', `readComposite(deviceId: $d, paths: ["/3416/0/3", "/3/0/0"])`, '2.05'],
    ['writeComposite', `writeComposite(deviceId: $d, values: [{ path: "/3416/0/1", value: 15 }])`, '2.04'],
  ])('runs %s on the device and reports SUCCEEDED with its code', async (name, call, code) => {
    const [device] = await world.provision(1, { kind: name.replace(/\W/g, '') });
    await world.lamp(device!.endpoint, { port: world.ingests[0]!.coapPort });
    const res = await gql<{ c: { id: string } }>(
      world.gatewayUrl,
      operator,
      `mutation($d: ID!${call.includes('$v') ? ', $v: JSON!' : ''}) { c: ${call} { id } }`,
      { d: device!.id, v: name === 'partial write' ? { '4': 70 } : { '1': 20 } },
    );
    expect(res.errors).toEqual([]);
    expect(await settle(res.data!.c.id)).toMatchObject({ status: 'SUCCEEDED', coapCode: code });
  });

  it('cancels an observation, deletes an instance and switches lamps off', async () => {
    const [device] = await world.provision(1, { kind: 'lifecycle' });
    const lamp = await world.lamp(device!.endpoint, { port: world.ingests[1]!.coapPort });
    const run = async (call: string) => {
      const res = await gql<{ c: { id: string } }>(
        world.gatewayUrl,
        operator,
        `mutation($d: ID!${call.includes('$v') ? ', $v: JSON!' : ''}) { c: ${call} { id } }`,
        { d: device!.id, v: { '1': 1 } },
      );
      expect(res.errors).toEqual([]);
      return settle(res.data!.c.id);
    };
    expect((await run(`observe(deviceId: $d, path: "/3416/0/3")`))?.status).toBe('SUCCEEDED');
    expect(lamp.client.observationCount).toBeGreaterThan(0);
    expect((await run(`cancelObservation(deviceId: $d, path: "/3416/0/3")`))?.status).toBe('SUCCEEDED');
    expect(
      (await run(`createInstance(deviceId: $d, objectId: 3416, instanceId: 2, values: $v)`))?.status,
    ).toBe('SUCCEEDED');
    expect(lamp.tree.instanceIds(3416)).toContain(2);
    expect((await run(`deleteInstance(deviceId: $d, path: "/3416/2")`))?.status).toBe('SUCCEEDED');
    expect(lamp.tree.instanceIds(3416)).not.toContain(2);
    const off = await gql<{ switchLamps: { commands: { id: string }[] } }>(
      world.gatewayUrl,
      operator,
      `mutation($ids: [ID!]) { switchLamps(devices: { deviceIds: $ids }, on: false) { commands { id } } }`,
      { ids: [device!.id] },
    );
    expect(off.errors).toEqual([]);
    expect((await settle(off.data!.switchLamps.commands[0]!.id))?.status).toBe('SUCCEEDED');
    expect(lamp.writes.at(-1)).toBe(0);
  });

  it('observes several paths with observeComposite and cancels with cancelObserveComposite (Core 1.1.1 §6.4.1, §6.4.3)', async () => {
    const [device] = await world.provision(1, { kind: 'composite' });
    const lamp = await world.lamp(device!.endpoint, { port: world.ingests[0]!.coapPort });
    const run = async (call: string) => {
      const res = await gql<{ c: { id: string } }>(
        world.gatewayUrl,
        operator,
        `mutation($d: ID!) { c: ${call} { id } }`,
        {
          d: device!.id,
        },
      );
      expect(res.errors).toEqual([]);
      return settle(res.data!.c.id);
    };
    const before = lamp.client.observationCount;
    expect(await run(`observeComposite(deviceId: $d, paths: ["/3416/0/3", "/3/0/0"])`)).toMatchObject({
      status: 'SUCCEEDED',
      coapCode: '2.05',
    });
    expect(lamp.client.observationCount).toBe(before + 1);
    // The cancellation names the paths in another order: it is the same observation.
    expect(await run(`cancelObserveComposite(deviceId: $d, paths: ["/3/0/0", "/3416/0/3"])`)).toMatchObject({
      status: 'SUCCEEDED',
      coapCode: '2.05',
    });
    expect(lamp.client.observationCount).toBe(before);
  });

  it('returns the same command for a replayed idempotency key and sends it once', async () => {
    const [device] = await world.provision(1, { kind: 'idem' });
    const lamp = await world.lamp(device!.endpoint, { port: world.ingests[0]!.coapPort });
    const key = `k-${world.run}`;
    const first = await write(device!.id, '/3416/0/1', 30, { idempotencyKey: key });
    const second = await write(device!.id, '/3416/0/1', 30, { idempotencyKey: key });
    expect(second.id).toBe(first.id);
    expect((await settle(first.id))?.status).toBe('SUCCEEDED');
    await new Promise((r) => setTimeout(r, 500));
    expect(lamp.writes).toEqual([30]);
  });

  it.each([
    ['4.04 for an instance the device does not have', 'write', '/3416/9/1', '4.04'],
    ['4.05 for an Execute on a readable resource', 'execute', '/3416/0/3', '4.05'],
  ])('reports FAILED with the CoAP code: %s', async (_name, kind, path, code) => {
    const [device] = await world.provision(1, { kind: `fail${code.replace('.', '')}` });
    await world.lamp(device!.endpoint, { port: world.ingests[1]!.coapPort });
    const res =
      kind === 'write'
        ? await gql<{ c: CommandView }>(
            world.gatewayUrl,
            operator,
            `mutation($d: ID!, $p: String!) { c: writeResource(deviceId: $d, path: $p, value: 5) { id } }`,
            { d: device!.id, p: path },
          )
        : await gql<{ c: CommandView }>(
            world.gatewayUrl,
            operator,
            `mutation($d: ID!, $p: String!) { c: executeResource(deviceId: $d, path: $p) { id } }`,
            { d: device!.id, p: path },
          );
    expect(res.errors).toEqual([]);
    expect(await settle(res.data!.c.id)).toMatchObject({ status: 'FAILED', coapCode: code });
  });

  it('reports TIMEOUT for a device that never answers', async () => {
    const [device] = await world.provision(1, { kind: 'silent' });
    const transport = new MuteableTransport();
    await world.lamp(device!.endpoint, { port: world.ingests[0]!.coapPort }, { transport });
    transport.mute();
    const issued = await write(device!.id, '/3416/0/1', 10);
    const done = await settle(issued.id, 30_000);
    expect(done?.status).toBe('TIMEOUT');
  });

  it('holds commands for a sleeping queue-mode device and delivers them in order right after its Update', async () => {
    const [device] = await world.provision(1, { kind: 'queue' });
    const lamp = await world.lamp(
      device!.endpoint,
      { port: world.ingests[0]!.coapPort },
      { queueMode: { awakeMs: 300 } },
    );
    await eventually(
      async () => lamp.client.state,
      (s) => s === 'sleeping',
      5000,
    );
    // Past the ingest's awake window too (1 s): the device is asleep for the server.
    await new Promise((r) => setTimeout(r, 1500));
    const first = await write(device!.id, '/3416/0/1', 11, { deadlineSeconds: 60 });
    const second = await write(device!.id, '/3416/0/1', 22, { deadlineSeconds: 60 });
    await new Promise((r) => setTimeout(r, 2000));
    expect((await command(first.id))?.status).toBe('PENDING');
    expect(lamp.writes).toEqual([]);
    await lamp.client.wake();
    const [a, b] = await Promise.all([settle(first.id), settle(second.id)]);
    expect([a?.status, b?.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(lamp.writes).toEqual([11, 22]);
  });

  it('marks a command EXPIRED when the device stays asleep past its deadline', async () => {
    const [device] = await world.provision(1, { kind: 'expire' });
    const lamp = await world.lamp(
      device!.endpoint,
      { port: world.ingests[1]!.coapPort },
      { queueMode: { awakeMs: 300 } },
    );
    await eventually(
      async () => lamp.client.state,
      (s) => s === 'sleeping',
      5000,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const issued = await write(device!.id, '/3416/0/1', 5, { deadlineSeconds: 2 });
    const done = await settle(issued.id, 15_000);
    expect(done?.status).toBe('EXPIRED');
    expect(lamp.writes).toEqual([]);
  });

  it('refuses commands to viewers and utilities, and to devices of another tenant', async () => {
    const [lyonDevice] = await world.provision(1, { kind: 'rbac' });
    const [portoDevice] = await world.provision(1, { kind: 'porto', tenant: 'porto' });
    const mutation = `mutation($d: ID!) { readResource(deviceId: $d, path: "/3/0") { id } }`;
    for (const user of ['lyon-viewer', 'lyon-utility-water'] as const) {
      const res = await gql(world.gatewayUrl, await tokenOf(user), mutation, { d: lyonDevice!.id });
      expect(res.errors.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    }
    const cross = await gql(world.gatewayUrl, operator, mutation, { d: portoDevice!.id });
    expect(cross.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    const bulk = await gql<{ setLampLevel: { commands: unknown[]; refused: { deviceId: string }[] } }>(
      world.gatewayUrl,
      operator,
      `mutation($ids: [ID!]) { setLampLevel(devices: { deviceIds: $ids }, level: 50) {
         commands { id } refused { deviceId reason } } }`,
      { ids: [portoDevice!.id] },
    );
    expect(bulk.data?.setLampLevel.commands).toEqual([]);
    expect(bulk.data?.setLampLevel.refused.map((r) => r.deviceId)).toEqual([portoDevice!.id]);
  });

  it('runs a command queued while its owner is gone once another instance hears the device', async () => {
    const c = await world.startIngest('c', { responseTimeoutMs: 4000, awakeWindowS: 1 });
    const [device] = await world.provision(1, { kind: 'moved' });
    const transport = new MuteableTransport();
    // Registered through C; then C disappears (its process ends).
    const lamp = await world.lamp(device!.endpoint, { port: c.coapPort }, { transport });
    await c.process.stop();
    const issued = await write(device!.id, '/3416/0/1', 64, { deadlineSeconds: 60 });
    await new Promise((r) => setTimeout(r, 2000));
    expect((await command(issued.id))?.status).toBe('PENDING');
    // The load balancer now sends the device's datagrams to A: its Update makes A the owner.
    const viaA = await world.lamp(device!.endpoint, { port: world.ingests[0]!.coapPort });
    // C also left the downlink consumer group: its partitions move to A/B after a rebalance, which can take up to
    // the Kafka session timeout (30 s) when C's exit is not clean.
    expect((await settle(issued.id, 60_000))?.status).toBe('SUCCEEDED');
    expect([...lamp.writes, ...viaA.writes]).toEqual([64]);
  });
});
