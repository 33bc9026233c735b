import { Counter } from 'prom-client';
import { createMetricsRegistry } from './metrics';
import { startOpsServer, type OpsServer } from './ops-server';

describe('ops server', () => {
  let ready = false;
  let server: OpsServer;
  const registry = createMetricsRegistry('test-app');
  new Counter({ name: 'things_total', help: 'things', registers: [registry] }).inc(3);

  beforeAll(async () => {
    server = await startOpsServer({ host: '127.0.0.1', port: 0, registry, isReady: () => ready });
  });
  afterAll(() => server.close());

  const get = (path: string) => fetch(`http://127.0.0.1:${server.port}${path}`);

  it('answers liveness even when not ready', async () => {
    expect((await get('/healthz')).status).toBe(200);
  });

  it('answers 503 on readiness until the app is ready, then 200', async () => {
    expect((await get('/readyz')).status).toBe(503);
    ready = true;
    expect((await get('/readyz')).status).toBe(200);
  });

  it('exposes Prometheus metrics with the app label', async () => {
    const body = await (await get('/metrics')).text();
    expect(body).toContain('things_total{app="test-app"} 3');
    expect(body).toContain('process_cpu_user_seconds_total');
  });

  it('answers 404 on unknown paths and 405 on other methods', async () => {
    expect((await get('/nope')).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});
