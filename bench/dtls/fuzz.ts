/**
 * Long fuzz run of the DTLS library: `npm run fuzz:dtls [-- <cases> <seed>]`, default 1,000,000 cases.
 * Exits 1 on the first crash (an error that is not a typed DtlsError outcome), printing the input in hex so
 * the case can become a unit test. Prints the outcome distribution and heap growth.
 */
import { fuzzDtls } from '../../libs/dtls/src/testing/fuzz';

async function main(): Promise<void> {
  const cases = Number(process.argv[2] ?? 1_000_000);
  const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
  process.stdout.write(`fuzzing ${cases} DTLS cases, seed ${seed}\n`);
  const started = process.hrtime.bigint();
  const report = await fuzzDtls(cases, seed);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const rows = Object.entries(report.outcomes).sort((a, b) => b[1] - a[1]);
  for (const [outcome, n] of rows) process.stdout.write(`${String(n).padStart(9)}  ${outcome}\n`);
  process.stdout.write(
    `ok: ${cases} cases in ${(ms / 1000).toFixed(1)} s, ${rows.length} distinct outcomes, ` +
      `server ${report.serverStats.sessions} sessions / ${report.serverStats.handshakes} handshakes, ` +
      `heap growth ${report.heapGrowthMb.toFixed(1)} MB\n`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stdout.write(`FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
