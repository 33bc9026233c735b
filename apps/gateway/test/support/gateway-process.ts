import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { childEnv } from './test-env.config';

const ROOT = join(__dirname, '..', '..', '..', '..');

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  /** The ops server (`/metrics`, `/healthz`, `/readyz`) on its own port. */
  readonly opsUrl: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Starts the real gateway (main.ts, as `npm start` runs it) on a free port and waits for /readyz. NestJS 12 is
 * ESM-only, which Jest on Node 20 cannot load, so the app runs as a child process and tests talk HTTP/WebSocket.
 */
export async function startGateway(env: Record<string, string> = {}): Promise<RunningGateway> {
  const port = await freePort();
  const opsPort = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', './tools/register.js', 'apps/gateway/src/main.ts'],
    {
      cwd: ROOT,
      env: childEnv({
        GATEWAY_PORT: String(port),
        GATEWAY_OPS_PORT: String(opsPort),
        LOG_LEVEL: 'warn',
        NODE_ENV: 'test',
        ...env,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // Never leave a gateway behind when the test process ends early.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gateway not ready within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    port,
    opsUrl: `http://127.0.0.1:${opsPort}`,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

export interface GqlResult<T = Record<string, unknown>> {
  readonly status: number;
  readonly data: T | null;
  readonly errors: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

/** POSTs one GraphQL operation. */
export async function gql<T = Record<string, unknown>>(
  gateway: Pick<RunningGateway, 'url'>,
  query: string,
  variables: Record<string, unknown> = {},
  auth: { token?: string; tenant?: string; authorization?: string } = {},
): Promise<GqlResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth.token) headers['authorization'] = `Bearer ${auth.token}`;
  if (auth.authorization) headers['authorization'] = auth.authorization;
  if (auth.tenant) headers['x-tenant'] = auth.tenant;
  const res = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T | null; errors?: GqlResult['errors'] };
  return { status: res.status, data: body.data ?? null, errors: body.errors ?? [] };
}

/** The distinct error codes of a result. */
export function codesOf(result: GqlResult<unknown>): string[] {
  return [...new Set(result.errors.map((e) => String(e.extensions?.['code'])))];
}
