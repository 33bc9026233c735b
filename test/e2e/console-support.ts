/**
 * Support of the console's browser test: the demo cities borrowed for the run, the built console served by
 * Debian's nginx with the image's nginx.conf in front of the run's gateway, and Debian's Chromium driven by
 * playwright-core.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TenantAdminRepository } from '@smartcity/platform-db';
import { type BrowserContext, chromium } from 'playwright-core';
import { type Pool } from 'pg';
import { deleteTopics } from './support/e2e-env';

const ROOT = join(__dirname, '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** A redirect URI of the realm's `console` client is reserved for the browser tests (a dev server may use 3000). */
export const CONSOLE_PORT = 3099;
export const CONSOLE_URL = `http://127.0.0.1:${CONSOLE_PORT}`;

/**
 * The demo users belong to the Keycloak organizations `lyon` and `porto`, so the test needs those tenants. A city
 * missing from the database is created for the run (auto-provisioning the run's endpoint prefix, NoSec on
 * loopback) and deleted afterwards; a city that exists (the demo is up) gets the run's prefix for the run and its
 * settings back afterwards, and the run's devices are deleted with their data. While the run lasts, that city
 * accepts NoSec devices (the test fleet is NoSec on loopback).
 */
export async function borrowCity(
  pool: Pool,
  id: string,
  prefix: string,
): Promise<{ restore: () => Promise<void> }> {
  const repo = new TenantAdminRepository(pool);
  if (!(await repo.exists(id))) {
    await repo.create({
      id,
      name: id.charAt(0).toUpperCase() + id.slice(1),
      autoProvision: true,
      autoProvisionPrefix: prefix,
      allowNosec: true,
      plan: 'enterprise',
    });
    return {
      restore: async () => {
        await repo.delete(id);
        await deleteTopics([`city.${id}.telemetry.v1`, `city.${id}.events.v1`]);
      },
    };
  }
  const { rows } = await pool.query<{
    auto_provision: boolean;
    auto_provision_prefix: string | null;
    allow_nosec: boolean;
  }>('SELECT auto_provision, auto_provision_prefix, allow_nosec FROM tenants WHERE id = $1', [id]);
  const before = rows[0]!;
  await pool.query(
    'UPDATE tenants SET auto_provision = true, auto_provision_prefix = $2, allow_nosec = true WHERE id = $1',
    [id, prefix],
  );
  return {
    restore: async () => {
      await removeDevices(pool, id, prefix);
      await pool.query(
        'UPDATE tenants SET auto_provision = $2, auto_provision_prefix = $3, allow_nosec = $4 WHERE id = $1',
        [id, before.auto_provision, before.auto_provision_prefix, before.allow_nosec],
      );
    },
  };
}

/**
 * Deletes a tenant's devices whose endpoint starts with `prefix`, with their rows in every table that has both a
 * `tenant_id` and a `device_id` column (telemetry included), in one transaction. Tables are retried in passes (a
 * savepoint each) so foreign keys between them decide the order, as purgeTenant does for a whole tenant.
 */
export async function removeDevices(pool: Pool, tenant: string, prefix: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: string }>(
      'SELECT id FROM devices WHERE tenant_id = $1 AND starts_with(endpoint, $2)',
      [tenant, prefix],
    );
    const ids = rows.map((r) => r.id);
    if (ids.length > 0) {
      const { rows: tables } = await client.query<{ table_name: string }>(
        `SELECT c.table_name FROM information_schema.columns c
           JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
          WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.column_name = 'device_id'
            AND EXISTS (SELECT 1 FROM information_schema.columns k WHERE k.table_schema = 'public'
                          AND k.table_name = c.table_name AND k.column_name = 'tenant_id')`,
      );
      let pending = tables.map((t) => t.table_name);
      for (let pass = 0; pass < 5 && pending.length > 0; pass++) {
        const failed: string[] = [];
        for (const table of pending) {
          await client.query('SAVEPOINT run_devices');
          try {
            await client.query(`DELETE FROM "${table}" WHERE tenant_id = $1 AND device_id = ANY($2)`, [
              tenant,
              ids,
            ]);
            await client.query('RELEASE SAVEPOINT run_devices');
          } catch {
            await client.query('ROLLBACK TO SAVEPOINT run_devices');
            failed.push(table);
          }
        }
        pending = failed;
      }
      if (pending.length > 0) throw new Error(`could not delete the run's rows from ${pending.join(', ')}`);
      await client.query('DELETE FROM devices WHERE tenant_id = $1 AND id = ANY($2)', [tenant, ids]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Installs Chromium and nginx when missing (scripts/ensure-browser.sh) and builds the console (type check + vite build). */
export function prepareConsole(): void {
  const browser = spawnSync('bash', ['scripts/ensure-browser.sh'], { cwd: ROOT, encoding: 'utf8' });
  if (browser.status !== 0) throw new Error(`ensure-browser: ${browser.stdout}${browser.stderr}`);
  // Jest sets NODE_ENV=test, which would give React's development build.
  const build = spawnSync('npm', ['run', 'build', '-w', 'apps/console'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (build.status !== 0) throw new Error(`console build failed:\n${build.stdout}\n${build.stderr}`);
}

export const NGINX = process.env.NGINX_PATH || '/usr/sbin/nginx';

/**
 * The image's nginx.conf (apps/console/nginx.conf) made runnable here: its root, listen port, include dir and the
 * paths it writes under /tmp moved into `dir`. Every substitution must apply, so a reshaped nginx.conf fails the
 * test instead of silently serving something else.
 */
export function localNginxConf(conf: string, dir: string, root: string, port: number): string {
  const swaps: Array<[string, string]> = [
    ['listen 8080;', `listen 127.0.0.1:${port};`],
    ['root /usr/share/nginx/html;', `root ${root};`],
    ['/etc/nginx/console.d/', `${dir}/console.d/`],
    ['pid /tmp/nginx.pid;', `pid ${dir}/nginx.pid;`],
    // Node's stdio pipes are sockets, which nginx cannot open as /dev/std*: logs go to files in `dir`.
    ['error_log /dev/stderr warn;', `error_log ${dir}/error.log warn;`],
    ['access_log /dev/stdout;', `access_log ${dir}/access.log;`],
  ];
  let out = conf;
  for (const [from, to] of swaps) {
    if (!out.includes(from)) throw new Error(`apps/console/nginx.conf has no "${from}" any more`);
    out = out.split(from).join(to);
  }
  return out.replace(/ \/tmp\/(\w+_temp);/g, ` ${dir}/$1;`);
}

/**
 * The built console served as in its image: Debian's nginx with apps/console/nginx.conf (its headers, the CSP
 * included) on CONSOLE_PORT, and a /graphql proxy location mounted in its include dir like
 * deploy/compose/console/graphql-proxy.conf, pointing at the run's gateway (HTTP and graphql-ws).
 */
export async function serveConsole(gatewayUrl: string): Promise<{ stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'console-nginx-'));
  // nginx's workers drop root for nobody: they read the config's include dir and write their temp files here.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'console.d'));
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    localNginxConf(
      readFileSync(join(ROOT, 'apps/console/nginx.conf'), 'utf8'),
      dir,
      join(ROOT, 'apps/console/dist'),
      CONSOLE_PORT,
    ),
  );
  writeFileSync(
    join(dir, 'console.d', 'graphql.conf'),
    `location /graphql {
  proxy_pass ${new URL(gatewayUrl).origin};
  proxy_http_version 1.1;
  proxy_set_header Upgrade $http_upgrade;
  proxy_set_header Connection $connection_upgrade;
  proxy_set_header Host $host;
  proxy_read_timeout 3600s;
}
`,
  );
  const errors = (): string => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const test = spawnSync(NGINX, ['-t', '-p', dir, '-c', conf], { encoding: 'utf8' });
  if (test.status !== 0)
    throw new Error(`nginx -t refused the console's nginx.conf:\n${test.stderr}${errors()}`);
  let output = '';
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: 'pipe' });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGQUIT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited:\n${output}${errors()}`);
    try {
      if ((await fetch(`${CONSOLE_URL}/config.json`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx not ready:\n${output}${errors()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { stop };
}

/** A fresh Chromium profile (its own user-data-dir): one per signed-in user. */
export async function openBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'console-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
