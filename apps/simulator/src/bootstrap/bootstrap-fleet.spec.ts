import { bootstrapFleet } from './bootstrap-fleet';
import { type DeviceAccount } from './server-account';

const account = (endpoint: string): DeviceAccount => ({
  server: { address: '127.0.0.1', port: 5684 },
  psk: { identity: endpoint, key: Buffer.alloc(16) },
  lifetime: 300,
});
const endpoints = Array.from({ length: 25 }, (_, i) => `dev-${i}`);
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('bootstrapFleet', () => {
  it('bootstraps every device, never more than `concurrency` at once', async () => {
    let running = 0;
    let peak = 0;
    const result = await bootstrapFleet({
      endpoints,
      concurrency: 4,
      attempts: 1,
      bootstrap: async (e) => {
        peak = Math.max(peak, ++running);
        await tick();
        running--;
        return account(e);
      },
    });
    expect(peak).toBe(4);
    expect([...result.accounts.keys()].sort()).toEqual([...endpoints].sort());
    expect(result.failed).toEqual([]);
  });

  it('retries a failed device after the backoff, and leaves out one that fails every attempt', async () => {
    const tries = new Map<string, number>();
    const slept: number[] = [];
    const outcomes: string[] = [];
    const result = await bootstrapFleet({
      endpoints: ['flaky', 'broken', 'fine'],
      concurrency: 2,
      attempts: 3,
      backoffMs: (attempt) => attempt * 100,
      sleep: async (ms) => {
        slept.push(ms);
      },
      onAttempt: (e, r, attempt) => outcomes.push(`${e}:${r}:${attempt}`),
      bootstrap: async (e) => {
        const n = (tries.get(e) ?? 0) + 1;
        tries.set(e, n);
        if (e === 'broken' || (e === 'flaky' && n < 2)) throw new Error('Bootstrap-Request refused: 5.03');
        return account(e);
      },
    });
    expect([...result.accounts.keys()].sort()).toEqual(['fine', 'flaky']);
    expect(result.failed).toEqual(['broken']);
    expect(tries.get('broken')).toBe(3);
    expect(slept.sort()).toEqual([100, 100, 200]);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        'flaky:retry:1',
        'flaky:bootstrapped:2',
        'broken:failed:3',
        'fine:bootstrapped:1',
      ]),
    );
  });

  it('starts no attempt once aborted: the devices not bootstrapped are reported failed', async () => {
    const abort = new AbortController();
    const result = await bootstrapFleet({
      endpoints,
      concurrency: 1,
      attempts: 2,
      signal: abort.signal,
      bootstrap: async (e) => {
        if (e === 'dev-2') abort.abort();
        return account(e);
      },
    });
    expect(result.accounts.size).toBe(3);
    expect(result.failed).toHaveLength(endpoints.length - 3);
  });
});
