import { type MessageRateLimit, type UsageIncrement } from '@smartcity/platform-db';
import { createLogger } from '@smartcity/platform-observability';
import { type QuotaSource, TenantQuotas } from './tenant-quotas';

class FakeSource implements QuotaSource {
  limits: MessageRateLimit[] = [];
  recorded: [string, UsageIncrement][] = [];
  failLimits = false;
  failUsage = false;
  async messageRateLimits(): Promise<readonly MessageRateLimit[]> {
    if (this.failLimits) throw new Error('database down');
    return this.limits;
  }
  async recordUsage(tenant: string, usage: UsageIncrement): Promise<void> {
    if (this.failUsage) throw new Error('database down');
    this.recorded.push([tenant, usage]);
  }
}

function setup() {
  const source = new FakeSource();
  let now = 1_000_000;
  const quotas = new TenantQuotas(source, createLogger({ app: 'test', level: 'silent' }), {
    refreshMs: 10_000,
    flushMs: 10_000,
    storageFullRetryAfterS: 3600,
    now: () => now,
  });
  return { source, quotas, advance: (ms: number) => (now += ms) };
}

const limit = (tenantId: string, messagesPerSecond: number, burst: number, acceptData = true) => ({
  tenantId,
  messagesPerSecond,
  burst,
  acceptData,
});

describe('TenantQuotas (issue 17: messages/s and burst per tenant, stored-values maximum)', () => {
  it('passes a burst, then refuses with the seconds until the next token; refills at the plan rate', async () => {
    const { source, quotas, advance } = setup();
    source.limits = [limit('lyon', 2, 3)];
    await quotas.refresh();
    expect([quotas.admit('lyon'), quotas.admit('lyon'), quotas.admit('lyon')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(quotas.admit('lyon')).toEqual({ reason: 'rate', retryAfterS: 1 });
    advance(500); // one token at 2/s
    expect(quotas.admit('lyon')).toBeUndefined();
    expect(quotas.admit('lyon')).toMatchObject({ reason: 'rate' });
    advance(60_000); // never more than the burst
    for (let i = 0; i < 3; i++) expect(quotas.admit('lyon')).toBeUndefined();
    expect(quotas.admit('lyon')).toMatchObject({ reason: 'rate' });
  });

  it('keeps tenants apart: one city spending its burst does not limit another', async () => {
    const { source, quotas } = setup();
    source.limits = [limit('lyon', 1, 1), limit('porto', 1, 1)];
    await quotas.refresh();
    expect(quotas.admit('lyon')).toBeUndefined();
    expect(quotas.admit('lyon')).toMatchObject({ reason: 'rate' });
    expect(quotas.admit('porto')).toBeUndefined();
  });

  it('refuses everything with the storage Max-Age while the tenant is over its stored values', async () => {
    const { source, quotas } = setup();
    source.limits = [limit('lyon', 1000, 1000, false)];
    await quotas.refresh();
    expect(quotas.admit('lyon')).toEqual({ reason: 'storage', retryAfterS: 3600 });
  });

  it('does not limit a tenant it does not know, and keeps the last limits when a refresh fails', async () => {
    const { source, quotas } = setup();
    expect(quotas.admit('new-city')).toBeUndefined();
    source.limits = [limit('lyon', 1, 1)];
    await quotas.refresh();
    source.failLimits = true;
    await quotas.refresh();
    expect(quotas.admit('lyon')).toBeUndefined();
    expect(quotas.admit('lyon')).toMatchObject({ reason: 'rate' });
  });

  it('adds the counted messages per tenant at a flush, and keeps them when the write fails', async () => {
    const { source, quotas } = setup();
    quotas.record('lyon');
    quotas.record('lyon');
    quotas.record('porto');
    source.failUsage = true;
    await quotas.flush();
    expect(source.recorded).toEqual([]);
    source.failUsage = false;
    quotas.record('lyon');
    await quotas.flush();
    expect(source.recorded).toEqual([
      ['lyon', { messages: 3 }],
      ['porto', { messages: 1 }],
    ]);
    await quotas.flush();
    expect(source.recorded).toHaveLength(2);
  });
});
