import { FUZZ_TARGETS, fuzzDecoder } from './testing/fuzz';
import { MODELS } from './testing/codec-test-kit';

/** 100,000 random and mutated payloads per decoder: only Lwm2mCodecError may come out (longer: npm run fuzz:codec). */
describe('decoder fuzzing', () => {
  it.each(FUZZ_TARGETS.map((t) => [t.name, t] as const))(
    '%s decoder throws nothing but Lwm2mCodecError on 100,000 inputs',
    (_, target) => {
      const refused = fuzzDecoder(target, 100_000, 0x5eed + target.cf, MODELS);
      // Every byte string is a valid opaque value; elsewhere most inputs are refused, which shows the decoder ran.
      if (target.name === 'opaque') expect(refused).toBe(0);
      else expect(refused).toBeGreaterThan(10_000);
    },
    60_000,
  );
});
