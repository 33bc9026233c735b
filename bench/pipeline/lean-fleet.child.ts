/**
 * The lean fleet in a process of its own (started by LeanFleetProcess): its CPU is then its own, apart from the
 * benchmark's probes and scrapes, and it reports it (process.cpuUsage) with its counters on each sample.
 */
import { percentile } from './metrics-scrape';
import { LeanFleet, type LeanFleetOptions } from './lean-fleet';
import { type ChildReply, type ChildRequest } from './lean-fleet-process';

const RTT_CAPACITY = 1 << 20;
const rtt = new Float64Array(RTT_CAPACITY);
let rttCount = 0;
let fleet: LeanFleet | undefined;

function reply(message: ChildReply): void {
  process.send?.(message);
}

function roundTrips(): { p50: number | null; p95: number | null; p99: number | null; count: number } {
  const n = Math.min(rttCount, RTT_CAPACITY);
  const sorted = Array.from(rtt.subarray(0, n)).sort((a, b) => a - b);
  rttCount = 0;
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), count: n };
}

async function handle(request: ChildRequest): Promise<void> {
  switch (request.op) {
    case 'start': {
      const options: LeanFleetOptions = {
        ...request.options,
        onSend: (ms, code) => {
          if (code >> 5 === 2) rtt[rttCount++ % RTT_CAPACITY] = ms;
        },
      };
      fleet = new LeanFleet(options);
      await fleet.start();
      return reply({ id: request.id, op: 'started', counters: { ...fleet.counters } });
    }
    case 'rate':
      fleet?.setRate(request.rate);
      return reply({ id: request.id, op: 'ok' });
    case 'sample': {
      const cpu = process.cpuUsage();
      return reply({
        id: request.id,
        op: 'sample',
        counters: { ...fleet!.counters },
        cpuMicros: cpu.user + cpu.system,
        roundTripMs: roundTrips(),
        outstanding: fleet!.outstanding,
        backlog: fleet!.backlog,
      });
    }
    case 'drain':
      return reply({ id: request.id, op: 'drained', state: await fleet!.drain(request.timeoutMs) });
    case 'stop':
      await fleet?.stop();
      reply({ id: request.id, op: 'ok' });
      process.disconnect?.();
      return;
  }
}

process.on('message', (request: ChildRequest) => {
  handle(request).catch((error: unknown) =>
    reply({ id: request.id, op: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
