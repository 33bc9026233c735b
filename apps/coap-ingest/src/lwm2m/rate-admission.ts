import { type Peer } from '@smartcity/coap';
import { RegistrationErrorCode, type RegistrationFailure } from '@smartcity/lwm2m-server';
import { type IngestMetrics } from '../metrics/ingest.metrics';
import { type RateLimiter } from '../protection/rate-limiter';
import { type TenantQuotas } from '../protection/tenant-quotas';

/**
 * Per-endpoint and per-tenant request rates, then the tenant's plan quota (RFC 8516: 4.29 with Max-Age when
 * exceeded).
 */
export class RateAdmission {
  constructor(
    private readonly addressLimiter: RateLimiter,
    private readonly endpointLimiter: RateLimiter,
    private readonly tenantLimiter: RateLimiter,
    private readonly metrics: IngestMetrics,
    private readonly quotas?: TenantQuotas,
  ) {}

  /** Before anything is looked up for a peer we do not know yet: its source address within its rate. */
  checkAddress = (peer: Pick<Peer, 'address'>): RegistrationFailure | undefined => {
    const wait = this.addressLimiter.take(peer.address);
    if (wait === 0) return undefined;
    this.metrics.rateLimited.inc({ scope: 'address' });
    return limited('address rate limit exceeded', wait);
  };

  /** A refusal when the endpoint or its tenant exceeds its rate, else undefined (and a token is taken). */
  check = (who: { readonly endpoint: string; readonly tenant: string }): RegistrationFailure | undefined => {
    const endpointWait = this.endpointLimiter.take(who.endpoint);
    if (endpointWait > 0) {
      this.metrics.rateLimited.inc({ scope: 'endpoint' });
      return limited('endpoint rate limit exceeded', endpointWait);
    }
    const tenantWait = this.tenantLimiter.take(who.tenant);
    if (tenantWait > 0) {
      this.metrics.rateLimited.inc({ scope: 'tenant' });
      return limited('tenant rate limit exceeded', tenantWait);
    }
    const overQuota = this.quotas?.admit(who.tenant);
    if (overQuota) {
      this.metrics.rateLimited.inc({
        scope: overQuota.reason === 'storage' ? 'storage_quota' : 'message_quota',
      });
      return limited(
        overQuota.reason === 'storage'
          ? "the city's stored data reached its plan's quota"
          : "the city's message quota is exceeded",
        overQuota.retryAfterS,
      );
    }
    return undefined;
  };
}

function limited(message: string, retryAfterS: number): RegistrationFailure {
  return { ok: false, code: RegistrationErrorCode.RateLimited, message, retryAfterS };
}
