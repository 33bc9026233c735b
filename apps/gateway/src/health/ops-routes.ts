import { type Registry, Histogram } from 'prom-client';

interface FastifyLike {
  get(path: string, handler: (req: unknown, reply: ReplyLike) => unknown): unknown;
  addHook(name: 'onResponse', hook: (req: RequestLike, reply: ReplyLike) => Promise<void>): unknown;
}
interface RequestLike {
  readonly url: string;
  readonly method: string;
}
interface ReplyLike {
  readonly statusCode: number;
  readonly elapsedTime: number;
  code(status: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): unknown;
}

/**
 * `/healthz` (liveness) and `/readyz` (database and Redis reachable) on the public port, where load balancers probe
 * it, plus a request duration histogram of `/graphql`. `/metrics` is served only by the ops server (its own
 * interface and port, main.ts): metric labels describe tenants' traffic and are not for API clients.
 */
export function registerOpsRoutes(
  app: FastifyLike,
  options: { registry: Registry; isReady: () => Promise<boolean> },
): void {
  const duration = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'GraphQL HTTP request duration',
    labelNames: ['method', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [options.registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    if (req.url.startsWith('/graphql')) {
      duration.observe({ method: req.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    }
  });
  app.get('/healthz', (_req, reply) =>
    reply.header('content-type', 'application/json').send('{"status":"ok"}'),
  );
  app.get('/readyz', async (_req, reply) => {
    let ready = false;
    try {
      ready = await options.isReady();
    } catch {
      ready = false;
    }
    return reply
      .code(ready ? 200 : 503)
      .header('content-type', 'application/json')
      .send(JSON.stringify({ status: ready ? 'ready' : 'not ready' }));
  });
}
