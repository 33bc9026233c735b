import { fuzzDtls } from './fuzz';

jest.setTimeout(120_000);

describe('DTLS fuzz (random and mutated records, handshake messages, server and client)', () => {
  it('handles 100,000 cases with typed outcomes only, bounded state and memory', async () => {
    const started = Date.now();
    const report = await fuzzDtls(100_000, 20_240_601);
    const elapsed = Date.now() - started;
    expect(report.cases).toBe(100_000);
    // Every outcome is an alert name, a drop reason or ok (the runner throws on anything else).
    for (const key of Object.keys(report.outcomes)) expect(key).toMatch(/^[a-z_]+:[a-z_0-9]+$/);
    expect(report.serverStats.handshakes).toBeLessThanOrEqual(200);
    expect(report.heapGrowthMb).toBeLessThan(256);
    expect(elapsed).toBeLessThan(90_000);
  });
});
