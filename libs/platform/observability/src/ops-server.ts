import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type Registry } from 'prom-client';

export interface OpsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  /** Readiness: dependencies reachable and the app accepting work. Liveness is the process answering at all. */
  readonly isReady: () => boolean | Promise<boolean>;
}

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Operations endpoints for apps without an HTTP API of their own: `GET /healthz` (liveness),
 * `GET /readyz` (readiness, 503 when not ready) and `GET /metrics` (Prometheus text format).
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    handle(options, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function handle(options: OpsServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET') {
    res.writeHead(405, { allow: 'GET' }).end();
    return;
  }
  switch (path) {
    case '/healthz':
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    case '/readyz': {
      let ready = false;
      try {
        ready = await options.isReady();
      } catch {
        ready = false;
      }
      res
        .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: ready ? 'ready' : 'not ready' }));
      return;
    }
    case '/metrics': {
      const body = await options.registry.metrics();
      res.writeHead(200, { 'content-type': options.registry.contentType }).end(body);
      return;
    }
    default:
      res.writeHead(404).end();
  }
}
