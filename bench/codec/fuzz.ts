/**
 * Long fuzz run of every LwM2M decoder: `npm run fuzz:codec [-- <iterations per decoder> <seed>]`.
 * Default 2,000,000 inputs per decoder. Exits 1 on the first error that is not a Lwm2mCodecError, printing the
 * payload in hex so the case can be added to the unit tests.
 */
import { FUZZ_TARGETS, fuzzDecoder } from '../../libs/lwm2m/codec/src/testing/fuzz';
import { specModels } from '../../libs/lwm2m/codec/src/testing/spec-fixtures';

const iterations = Number(process.argv[2] ?? 2_000_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
const models = specModels();
process.stdout.write(`fuzzing ${iterations} inputs per decoder, seed ${seed}\n`);
let failed = false;
for (const target of FUZZ_TARGETS) {
  const started = process.hrtime.bigint();
  try {
    const refused = fuzzDecoder(target, iterations, seed + target.cf, models);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(
      `${target.name.padEnd(11)} ok: ${refused} refused, ${iterations - refused} accepted, ${ms.toFixed(0)} ms\n`,
    );
  } catch (err) {
    failed = true;
    process.stdout.write(`${target.name.padEnd(11)} FAILED: ${(err as Error).message}\n`);
  }
}
process.exit(failed ? 1 : 0);
