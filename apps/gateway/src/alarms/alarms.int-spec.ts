import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { gql, type RunningGateway, startGateway } from '../../test/support/gateway-process';
import { tokenOf } from '../../test/support/keycloak-tokens';
import { TEST_ENV } from '../../test/support/test-env.config';

// clearAlarm through the real gateway (real Keycloak token, real PostgreSQL): a hand clear is an alarm transition
// like the decoder's, so partners and live subscribers learn of it from the outbox.

jest.setTimeout(120_000);

const CLEAR = 'mutation($id: ID!) { clearAlarm(id: $id) { id status clearedAt } }';

describe('clearAlarm (GraphQL, real gateway)', () => {
  const run = randomBytes(4).toString('hex');
  const owner = new Pool({ connectionString: TEST_ENV.ownerUrl, max: 2 });
  let gateway: RunningGateway;
  let deviceId: string;

  beforeAll(async () => {
    await owner.query(`INSERT INTO tenants (id, name) VALUES ('lyon', 'Lyon') ON CONFLICT (id) DO NOTHING`);
    const { rows } = await owner.query<{ id: string }>(
      `INSERT INTO devices (tenant_id, endpoint, name, category) VALUES ('lyon', $1, $1, 'water') RETURNING id`,
      [`gwt-${run}-alarm`],
    );
    deviceId = rows[0]!.id;
    gateway = await startGateway();
  });

  afterAll(async () => {
    // The alarms go with the device (ON DELETE CASCADE); the outbox rows are the decoder relay's to publish.
    await owner.query('DELETE FROM event_outbox WHERE key = $1', [deviceId]);
    await owner.query('DELETE FROM devices WHERE id = $1', [deviceId]);
    await owner.end();
    await gateway?.stop();
  });

  it('writes one alarm.cleared event to the partner topic and the live channel, none on a second clear', async () => {
    const { rows } = await owner.query<{ id: string }>(
      `INSERT INTO alarms (tenant_id, device_id, type, severity, message, source_path, raised_at)
       VALUES ('lyon', $1, 'leak_suspected_from_flow', 'MINOR', 'night flow', '/3424/0', now() - interval '1 hour')
       RETURNING id`,
      [deviceId],
    );
    const alarmId = rows[0]!.id;
    const token = { token: await tokenOf('lyon-operator') };
    const first = await gql<{ clearAlarm: { status: string; clearedAt: string } }>(
      gateway,
      CLEAR,
      { id: alarmId },
      token,
    );
    expect(first.errors).toEqual([]);
    expect(first.data!.clearAlarm).toMatchObject({ id: alarmId, status: 'CLEARED' });
    const again = await gql<{ clearAlarm: { status: string; clearedAt: string } }>(
      gateway,
      CLEAR,
      { id: alarmId },
      token,
    );
    expect(again.data!.clearAlarm).toEqual(first.data!.clearAlarm);

    const events = await owner.query<{
      source: string;
      topic: string;
      key: string;
      headers: Record<string, string>;
      live_channel: string;
      payload: Record<string, unknown>;
    }>(
      `SELECT source, topic, key, headers, live_channel, payload FROM event_outbox
       WHERE payload->'alarm'->>'id' = $1`,
      [alarmId],
    );
    expect(events.rows).toEqual([
      {
        source: 'decoder',
        topic: 'city.lyon.events.v1',
        key: deviceId,
        headers: expect.objectContaining({ 'message-type': 'alarm.cleared' }),
        live_channel: 'tenant:lyon:alarms',
        payload: {
          id: `${alarmId}:cleared`,
          type: 'alarm.cleared',
          tenant: 'lyon',
          deviceId,
          time: first.data!.clearAlarm.clearedAt,
          alarm: expect.objectContaining({
            id: alarmId,
            status: 'CLEARED',
            type: 'leak_suspected_from_flow',
            path: '/3424/0',
            clearedAt: first.data!.clearAlarm.clearedAt,
          }),
        },
      },
    ]);
  });
});
