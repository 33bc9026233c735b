/**
 * The ingest under benchmark, in its own process; answers memory/stats/stop over IPC. BENCH_HEAP_SNAPSHOT=1 writes
 * a heap snapshot to /tmp at each memory measurement.
 */
import { writeHeapSnapshot } from 'node:v8';
import { loadIngestConfig } from '../../apps/coap-ingest/src/config/ingest.config';
import { IngestApp } from '../../apps/coap-ingest/src/ingest.app';

async function main(): Promise<void> {
  const app = new IngestApp(loadIngestConfig(process.env));
  await app.start({ ops: false });
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (cmd: string) => {
    void (async () => {
      if (cmd === 'memory') {
        gc?.();
        gc?.();
        const m = process.memoryUsage();
        // BENCH_HEAP_SNAPSHOT=1: a snapshot at each measurement, to see what a registration keeps.
        if (process.env.BENCH_HEAP_SNAPSHOT) writeHeapSnapshot(`/tmp/ingest-heap-${Date.now()}.heapsnapshot`);
        process.send?.({ heapUsed: m.heapUsed, rss: m.rss });
      } else if (cmd === 'stats') {
        const uplinks = (await app.metrics.uplinks.get()).values.reduce((n, v) => n + v.value, 0);
        const kafka = await app.metrics.kafkaBatchSize.get();
        const count = kafka.values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
        process.send?.({ uplinks, kafkaRequests: count });
      } else if (cmd === 'stop') {
        await app.stop();
        process.send?.({});
        process.exit(0);
      }
    })();
  });
  process.send?.({ port: app.coapPort(), coapsPort: app.coaps ? app.coapsPort() : 0 });
}

void main();
