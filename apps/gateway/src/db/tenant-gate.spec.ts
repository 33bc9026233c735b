import { TenantGate } from './tenant-gate';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('TenantGate', () => {
  it('runs at most `concurrency` tasks of one tenant and lets other tenants through', async () => {
    const gate = new TenantGate({ concurrency: 2, maxQueued: 10, maxWaitMs: 1000 });
    const hold = deferred();
    const lyon = [1, 2, 3].map(() => gate.run('lyon', () => hold.promise));
    await Promise.resolve();
    expect(gate.usage('lyon')).toEqual({ active: 2, waiting: 1 });
    await expect(gate.run('porto', async () => 'porto ran')).resolves.toBe('porto ran');
    hold.resolve();
    await Promise.all(lyon);
    expect(gate.usage('lyon')).toEqual({ active: 0, waiting: 0 });
  });

  it('refuses with RATE_LIMITED when the queue is full, and after the longest wait', async () => {
    const rejected: string[] = [];
    const gate = new TenantGate({
      concurrency: 1,
      maxQueued: 1,
      maxWaitMs: 20,
      onRejected: (_t, reason) => rejected.push(reason),
    });
    const hold = deferred();
    const running = gate.run('lyon', () => hold.promise);
    const queued = gate.run('lyon', async () => 'late');
    await expect(gate.run('lyon', async () => 'x')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(queued).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterSeconds: 1 },
    });
    expect(rejected).toEqual(['queue_full', 'wait_timeout']);
    hold.resolve();
    await running;
  });

  it('releases the slot when the task fails', async () => {
    const gate = new TenantGate({ concurrency: 1, maxQueued: 0, maxWaitMs: 10 });
    await expect(gate.run('lyon', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run('lyon', async () => 1)).resolves.toBe(1);
  });
});
