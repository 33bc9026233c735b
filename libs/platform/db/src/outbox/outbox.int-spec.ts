import { randomBytes } from 'node:crypto';
import { createPool } from '../pool';
import { TenantAdminRepository } from '../tenant-admin.repository';
import { withTenant } from '../transaction';
import { type OutboxEntry, type OutboxRecord, writeOutbox } from './outbox';
import { OutboxRelay } from './outbox-relay';

const owner = createPool({
  connectionString: 'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity',
  applicationName: 'outbox-test-owner',
  max: 2,
});
const app = createPool({
  connectionString: 'postgres://smartcity_app:smartcity_app@127.0.0.1:5432/smartcity',
  applicationName: 'outbox-test-app',
  max: 4,
});

const waitFor = async (predicate: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('event outbox against the local stack', () => {
  const run = randomBytes(4).toString('hex');
  const A = `ob-a-${run}`;
  const B = `ob-b-${run}`;
  const tenants = new TenantAdminRepository(owner);
  const entry = (tenant: string, n: number): OutboxEntry => ({
    tenant,
    topic: `city.${tenant}.events.v1`,
    key: `dev-${n % 3}`,
    payload: { n },
    liveChannel: `tenant:${tenant}:alarms`,
  });

  beforeAll(async () => {
    await tenants.create({ id: A, name: 'A' });
    await tenants.create({ id: B, name: 'B' });
  });
  afterAll(async () => {
    await tenants.delete(A);
    await tenants.delete(B);
    await owner.end();
    await app.end();
  });

  it('keeps events of a rolled back transaction out, and each tenant reads only its own', async () => {
    const source = `test-rollback-${run}`;
    await expect(
      withTenant(app, A, async (tx) => {
        await writeOutbox(tx, source, [entry(A, 1)]);
        throw new Error('rows rejected');
      }),
    ).rejects.toThrow('rows rejected');
    await withTenant(app, B, (tx) => writeOutbox(tx, source, [entry(B, 2)]));
    // The application role may write its tenant's events, not another's, and read none directly.
    await expect(withTenant(app, A, (tx) => writeOutbox(tx, source, [entry(B, 3)]))).rejects.toMatchObject({
      code: '42501',
    });
    const { rows } = await owner.query('SELECT tenant_id, payload FROM event_outbox WHERE source = $1', [
      source,
    ]);
    expect(rows).toEqual([{ tenant_id: B, payload: { n: 2 } }]);
    await owner.query('DELETE FROM event_outbox WHERE source = $1', [source]);
  });

  it('publishes in write order, retries a failed publish, deletes what was published; one relay at a time', async () => {
    const source = `test-relay-${run}`;
    await withTenant(app, A, (tx) => writeOutbox(tx, source, [entry(A, 1), entry(A, 2), entry(A, 3)]));
    await withTenant(app, B, (tx) => writeOutbox(tx, source, [entry(B, 4)]));
    const published: OutboxRecord[] = [];
    let failures = 1;
    const sink = {
      publish: async (records: readonly OutboxRecord[]) => {
        if (failures-- > 0) throw new Error('KAFKA_UNAVAILABLE');
        published.push(...records);
      },
    };
    const errors: unknown[] = [];
    const first = new OutboxRelay(app, sink, {
      source,
      pollMs: 20,
      retryMs: 50,
      onError: (e) => errors.push(e),
    });
    const second = new OutboxRelay(app, sink, { source, pollMs: 20, retryMs: 50 });
    first.start();
    second.start();
    await waitFor(() => published.length >= 4);
    await withTenant(app, A, (tx) => writeOutbox(tx, source, [entry(A, 5)]));
    first.kick();
    second.kick();
    await waitFor(() => published.length >= 5);
    await first.stop();
    await second.stop();
    expect(published.map((r) => (r.payload as { n: number }).n)).toEqual([1, 2, 3, 4, 5]);
    expect(published[0]).toMatchObject({
      tenant: A,
      topic: `city.${A}.events.v1`,
      key: 'dev-1',
      liveChannel: `tenant:${A}:alarms`,
      livePayload: { n: 1 },
      headers: {},
    });
    expect(errors.length).toBeGreaterThanOrEqual(1);
    const { rows } = await owner.query('SELECT count(*)::int AS n FROM event_outbox WHERE source = $1', [
      source,
    ]);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('lets a standby relay take over when the holder of the lock goes away', async () => {
    const source = `test-takeover-${run}`;
    const seen: number[] = [];
    const sink = {
      publish: async (records: readonly OutboxRecord[]) => {
        for (const r of records) seen.push((r.payload as { n: number }).n);
      },
    };
    const holder = new OutboxRelay(app, sink, { source, pollMs: 20, retryMs: 50 });
    const standby = new OutboxRelay(app, sink, { source, pollMs: 20, retryMs: 50 });
    holder.start();
    await withTenant(app, A, (tx) => writeOutbox(tx, source, [entry(A, 1)]));
    await waitFor(() => seen.length === 1);
    standby.start();
    await holder.stop();
    await withTenant(app, A, (tx) => writeOutbox(tx, source, [entry(A, 2)]));
    await waitFor(() => seen.length === 2);
    await standby.stop();
    expect(seen).toEqual([1, 2]);
  });
});
