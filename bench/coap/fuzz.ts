/**
 * Long fuzz run of the CoAP stack: `npm run fuzz:coap [-- <datagrams> <seed>]`, default 1,000,000. Exits 1 on the
 * first datagram that makes the codec throw anything but CoapFormatError or the endpoint throw at all, printing it
 * in hex so it can become a unit test.
 */
import { fuzzCoap } from '../../libs/coap/src/testing/fuzz';

async function main(): Promise<void> {
  const datagrams = Number(process.argv[2] ?? 1_000_000);
  const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
  process.stdout.write(`fuzzing ${datagrams} datagrams, seed ${seed}\n`);
  const started = process.hrtime.bigint();
  try {
    const report = await fuzzCoap(datagrams, seed);
    const s = Number(process.hrtime.bigint() - started) / 1e9;
    process.stdout.write(
      `ok: ${report.refusedByCodec} refused by the codec, ${datagrams - report.refusedByCodec} well-formed, ` +
        `heap growth at most ${(report.maxHeapGrowthBytes / 1048576).toFixed(1)} MiB, ${s.toFixed(1)} s\n`,
    );
  } catch (err) {
    process.stdout.write(`FAILED: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

void main();
