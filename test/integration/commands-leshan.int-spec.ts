/**
 * Device commands from GraphQL to Eclipse Leshan's LwM2M client (leshan-client-cf 2.0.0-M15, the harness of
 * test/interop/leshan-client): mutation (Keycloak token of a demo user) -> gateway -> lwm2m.downlink.v1 -> the
 * ingest that owns the endpoint -> Leshan -> lwm2m.downlink-result.v1 -> GraphQL. The device side is Leshan's
 * own request handling and codecs, not ours. Leshan is a PSK device over coaps (Californium Scandium's DTLS 1.2):
 * every command reaches it through its DTLS session.
 */
import { randomBytes } from 'node:crypto';
import { tokenOf } from '../../apps/gateway/test/support/keycloak-tokens';
import { LeshanClientPeer, STANDARD_MODELS, standardObjects } from '../interop/leshan-client/leshan-client';
import { CommandsWorld, eventually, gql } from './support/commands-world';

jest.setTimeout(180_000);

interface CommandView {
  id: string;
  status: string;
  coapCode: string | null;
  error: string | null;
  values?: { path: string; value: unknown }[] | null;
}

describe('device commands through the gateway to the Eclipse Leshan client', () => {
  const world = new CommandsWorld();
  let operator: string;
  let leshan: LeshanClientPeer;
  let deviceId: string;

  beforeAll(async () => {
    await world.start({ responseTimeoutMs: 8000 });
    operator = await tokenOf('lyon-operator');
    const [device] = await world.provision(1, {
      kind: 'leshan',
      objects: { '1': '1.1', '3': '1.1', '6': '1.0', '3303': '1.1', '3416': '2.0' },
    });
    deviceId = device!.id;
    const key = randomBytes(16);
    await world.setPsk(device!, key);
    leshan = await LeshanClientPeer.launch();
    await leshan.start({
      endpoint: device!.endpoint,
      serverUri: `coaps://127.0.0.1:${world.ingests[0]!.coapsPort}`,
      security: { mode: 'psk', identity: device!.endpoint, key },
      objects: standardObjects(),
      models: STANDARD_MODELS,
    });
    await leshan.registered(0, 60_000);
  }, 240_000);

  afterAll(async () => {
    await leshan?.stop();
    await world.cleanup();
  });

  /** Issues a mutation returning a command and waits until the command settled. */
  const run = async (call: string, variables: Record<string, unknown> = {}): Promise<CommandView | null> => {
    const res = await gql<{ c: { id: string } }>(
      world.gatewayUrl,
      operator,
      `mutation($d: ID!${'v' in variables ? ', $v: JSON!' : ''}) { c: ${call} { id } }`,
      { d: deviceId, ...variables },
    );
    expect(res.errors).toEqual([]);
    const id = res.data!.c.id;
    return eventually(
      async () =>
        (
          await gql<{ command: CommandView | null }>(
            world.gatewayUrl,
            operator,
            `query($id: ID!) { command(id: $id) { id status coapCode error values { path value } } }`,
            { id },
          )
        ).data?.command ?? null,
      (c) => !!c && !['PENDING', 'SENT'].includes(c.status),
      30_000,
    );
  };

  it('reads, writes, observes, observes a composite and cancels it on Leshan', async () => {
    const read = await run(`readResource(deviceId: $d, path: "/3416/0/3")`);
    expect(read).toMatchObject({ status: 'SUCCEEDED', coapCode: '2.05' });
    expect(read?.values).toEqual([{ path: '/3416/0/3', value: 80 }]);

    const from = leshan.cursor;
    const write = await run(`writeResource(deviceId: $d, path: "/3416/0/1", value: $v)`, { v: 42 });
    expect(write).toMatchObject({ status: 'SUCCEEDED', coapCode: '2.04' });
    expect(await leshan.waitFor('written', { from })).toMatchObject({ path: '/3416/0/1', value: 42 });

    expect(await run(`observe(deviceId: $d, path: "/3303/0/5700")`)).toMatchObject({
      status: 'SUCCEEDED',
      coapCode: '2.05',
    });
    await leshan.waitFor('request', { from, where: (e) => e['op'] === 'observe' });

    expect(await run(`observeComposite(deviceId: $d, paths: ["/3303/0/5700", "/3/0/9"])`)).toMatchObject({
      status: 'SUCCEEDED',
      coapCode: '2.05',
    });
    expect(
      await leshan.waitFor('request', { from, where: (e) => e['op'] === 'observe-composite' }),
    ).toMatchObject({ method: 'FETCH' });
    await leshan.set('/3/0/9', 70);
    await leshan.waitFor('notification', { from });

    expect(
      await run(`cancelObserveComposite(deviceId: $d, paths: ["/3/0/9", "/3303/0/5700"])`),
    ).toMatchObject({
      status: 'SUCCEEDED',
      coapCode: '2.05',
    });
    await leshan.waitFor('request', { from, where: (e) => e['op'] === 'cancel-observe-composite' });
  });
});
