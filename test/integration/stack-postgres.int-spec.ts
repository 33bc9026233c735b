// Smoke tests of the local stack's PostgreSQL + TimescaleDB (deploy/local/stack up): extension present,
// hypertables work for the owner role, and the application role cannot escape row-level security.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

const OWNER_URL =
  process.env.DATABASE_OWNER_URL ?? 'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity';
const APP_URL = process.env.DATABASE_URL ?? 'postgres://smartcity_app:smartcity_app@127.0.0.1:5432/smartcity';

jest.setTimeout(60_000);

const suffix = randomBytes(4).toString('hex');

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

describe('local stack: PostgreSQL + TimescaleDB', () => {
  let owner: Client;
  let app: Client;

  beforeAll(async () => {
    owner = await connect(OWNER_URL);
    app = await connect(APP_URL);
  });

  afterAll(async () => {
    await app?.end();
    await owner?.end();
  });

  it('has the timescaledb extension installed in the smartcity database', async () => {
    const res = await app.query<{ extversion: string }>(
      "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'",
    );
    expect(res.rows).toHaveLength(1);
    expect(res.rows[0]?.extversion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    ['smartcity_owner', OWNER_URL],
    ['smartcity_app', APP_URL],
  ])('lets %s log in without superuser or RLS bypass rights', async (role, url) => {
    const client = await connect(url);
    try {
      const res = await client.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>(
        'SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user',
      );
      expect(res.rows).toEqual([{ rolname: role, rolsuper: false, rolbypassrls: false }]);
    } finally {
      await client.end();
    }
  });

  it('lets the owner role turn a table into a hypertable and route rows into chunks', async () => {
    const table = `stack_smoke_ht_${suffix}`;
    try {
      await owner.query(`CREATE TABLE ${table} (ts timestamptz NOT NULL, value double precision NOT NULL)`);
      const created = await owner.query<{ created: boolean }>(
        `SELECT created FROM create_hypertable('${table}', by_range('ts', INTERVAL '1 day'))`,
      );
      expect(created.rows[0]?.created).toBe(true);
      await owner.query(
        `INSERT INTO ${table} SELECT now() - (i || ' days')::interval, i FROM generate_series(0, 2) AS i`,
      );
      const chunks = await owner.query<{ n: string }>(`SELECT count(*) AS n FROM show_chunks('${table}')`);
      expect(Number(chunks.rows[0]?.n)).toBe(3);
    } finally {
      await owner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  });

  // timescaledb#7830: chunks inherit GRANTs but not RLS policies. Chunks placed in a schema the application role has
  // no USAGE on (associated_schema_name) cannot be queried directly, while the hypertable stays usable.
  it('keeps hypertable chunks in a private schema out of the application role reach', async () => {
    const schema = `stack_smoke_chunks_${suffix}`;
    const table = `stack_smoke_private_ht_${suffix}`;
    try {
      await owner.query(`CREATE SCHEMA ${schema}`);
      await owner.query(`CREATE TABLE ${table} (ts timestamptz NOT NULL, tenant text NOT NULL)`);
      await owner.query(`SELECT create_hypertable('${table}', 'ts', associated_schema_name => '${schema}')`);
      await owner.query(`GRANT SELECT, INSERT ON ${table} TO smartcity_app`);
      await app.query(`INSERT INTO ${table} VALUES (now(), 'lyon')`);
      const chunk = await owner.query<{ c: string }>(`SELECT show_chunks('${table}')::text AS c`);
      expect(chunk.rows[0]?.c.startsWith(`${schema}.`)).toBe(true);
      await expect(app.query(`SELECT count(*) FROM ${table}`)).resolves.toMatchObject({
        rows: [{ count: '1' }],
      });
      await expect(app.query(`SELECT * FROM ${chunk.rows[0]?.c}`)).rejects.toThrow(
        /permission denied for schema/,
      );
    } finally {
      await owner.query(`DROP TABLE IF EXISTS ${table}`);
      await owner.query(`DROP SCHEMA IF EXISTS ${schema}`);
    }
  });

  describe('a table with FORCE ROW LEVEL SECURITY and no policy', () => {
    const table = `stack_smoke_rls_${suffix}`;

    beforeAll(async () => {
      await owner.query(`CREATE TABLE ${table} (id int PRIMARY KEY, tenant text NOT NULL)`);
      await owner.query(`INSERT INTO ${table} VALUES (1, 'lyon'), (2, 'porto')`);
      await owner.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await owner.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO smartcity_app`);
    });

    afterAll(async () => {
      await owner.query(`DROP TABLE IF EXISTS ${table}`);
    });

    it('shows the application role zero rows although it holds SELECT', async () => {
      const res = await app.query(`SELECT * FROM ${table}`);
      expect(res.rowCount).toBe(0);
    });

    it('refuses the application role an insert', async () => {
      await expect(app.query(`INSERT INTO ${table} VALUES (3, 'lyon')`)).rejects.toThrow(
        /row-level security policy/,
      );
    });

    it('lets the application role update and delete nothing', async () => {
      const updated = await app.query(`UPDATE ${table} SET tenant = 'x'`);
      const deleted = await app.query(`DELETE FROM ${table}`);
      expect([updated.rowCount, deleted.rowCount]).toEqual([0, 0]);
      // FORCE applies to the owner too; lift it to count what is really stored.
      await owner.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
      const left = await owner.query(`SELECT count(*)::int AS n FROM ${table}`);
      await owner.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      expect(left.rows[0]).toEqual({ n: 2 });
    });
  });

  it('gives the application role no ownership and no CREATE on the public schema', async () => {
    const res = await app.query<{ can_create: boolean; owned: string }>(
      `SELECT has_schema_privilege('public', 'CREATE') AS can_create,
              (SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user))::text AS owned`,
    );
    expect(res.rows[0]).toEqual({ can_create: false, owned: '0' });
    await expect(app.query(`CREATE TABLE stack_smoke_forbidden_${suffix} (id int)`)).rejects.toThrow(
      /permission denied for schema public/,
    );
  });
});
