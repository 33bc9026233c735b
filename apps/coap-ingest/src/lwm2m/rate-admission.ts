import { RegistrationErrorCode, type RegistrationFailure } from '@smartcity/lwm2m-server';
import { type IngestMetrics } from '../metrics/ingest.metrics';
import { type RateLimiter } from '../protection/rate-limiter';

/** Per-endpoint and per-tenant request rates (RFC 8516: 4.29 with Max-Age when exceeded). */
export class RateAdmission {
  constructor(
    private readonly endpointLimiter: RateLimiter,
    private readonly tenantLimiter: RateLimiter,
    private readonly metrics: IngestMetrics,
  ) {}

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
    return undefined;
  };
}

function limited(message: string, retryAfterS: number): RegistrationFailure {
  return { ok: false, code: RegistrationErrorCode.RateLimited, message, retryAfterS };
}
