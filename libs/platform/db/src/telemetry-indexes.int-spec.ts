import { createPool } from './pool';

const owner = createPool({
  connectionString: 'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity',
  applicationName: 'db-lib-test-indexes',
  max: 1,
});

/**
 * The telemetry hypertable's indexes are part of its write cost (docs/storage.md): every index is one more B-tree
 * insertion per stored value. These tests pin the set, so an index added for a read path is a decision taken with
 * its cost in mind, and check that the reads of the removed index still have an index to use.
 */
describe('telemetry hypertable indexes', () => {
  afterAll(() => owner.end());

  it('has one unique key (idempotency and device history) and the tenant time index, nothing else', async () => {
    const { rows } = await owner.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'telemetry'
       ORDER BY indexname`,
    );
    expect(rows.map((r) => r.indexname)).toEqual(['telemetry_device_path_time', 'telemetry_tenant_time']);
    expect(rows[0]!.indexdef).toContain('UNIQUE INDEX');
    expect(rows[0]!.indexdef).toContain('(device_id, path, "time" DESC)');
  });

  it("serves a device's metric history from the unique key", async () => {
    const client = await owner.connect();
    try {
      // The plan is cost-based: on a fresh database's few rows any index (or none) is as cheap, and the tenant time
      // index was chosen. So give it a city's shape, rolled back afterwards: 100 devices reporting over the last
      // day, analyzed; a device's history is then 1 % of the range and only the unique key's device prefix finds it.
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO telemetry (time, tenant_id, device_id, path, metric, value_num)
         SELECT now() - (n % 1440) * interval '1 minute', 'index-test',
                ('00000000-0000-0000-0000-' || lpad(to_hex(n % 100 + 1), 12, '0'))::uuid, '/3303/0/5700',
                'temperature', n
         FROM generate_series(1, 20000) AS n
         ON CONFLICT DO NOTHING`,
      );
      await client.query('ANALYZE telemetry');
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT time, value_num FROM telemetry
         WHERE device_id = '00000000-0000-0000-0000-000000000001'::uuid AND metric = 'temperature'
           AND time >= now() - interval '1 day' AND time < now()`,
      );
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      // A database without a chunk in the range plans no scan at all; otherwise every chunk uses the unique key.
      if (plan.includes('_chunk')) expect(plan).toContain('telemetry_device_path_time');
      expect(plan).not.toContain('telemetry_device_metric_time');
      expect(plan).not.toMatch(/Seq Scan on _telemetry/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
