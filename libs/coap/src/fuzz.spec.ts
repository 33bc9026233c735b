import { fuzzCoap } from './testing/fuzz';

/** 100,000 random and mutated datagrams (the long run: npm run fuzz:coap). */
describe('CoAP fuzzing', () => {
  it('gets only CoapFormatError from the codec and never a throw from the endpoint, with bounded memory', async () => {
    const report = await fuzzCoap(100_000, 0xc0a9);
    expect(report.refusedByCodec).toBeGreaterThan(10_000); // the inputs really are malformed, often
    expect(report.refusedByCodec).toBeLessThan(100_000); // and often not: the endpoint sees real messages
    expect(report.maxHeapGrowthBytes).toBeLessThan(200 * 1024 * 1024);
  }, 120_000);
});
