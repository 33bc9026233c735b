import { Inject, Injectable } from '@nestjs/common';
import { type Redis } from '@smartcity/platform-redis';
import { Counter, type Registry } from 'prom-client';
import { type GatewayConfig } from '../config/gateway.config';
import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';
import { GATEWAY_CONFIG, METRICS_REGISTRY, REDIS } from '../gateway.tokens';

/** What another tenant already has: an endpoint name, or a PSK identity / raw public key (both unique). */
export type ProbeKind = 'endpoint' | 'credential';

/**
 * Bounds the endpoint-name oracle (issue 17 item 4). Until names are unique per tenant (devices identified by their
 * DTLS credential, being built in the ingest), a name another city uses cannot be provisioned here: the answer is
 * the same ENDPOINT_TAKEN a name of the caller's own city gets, but the caller can tell them apart by listing its
 * own devices. So each tenant may hit at most `budget` names of other tenants per window: the call that goes over
 * is refused whole (nothing created), and so is every provisioning call of the tenant until the window ends, so
 * refusals tell nothing either. Counted in Redis, across gateway replicas.
 *
 * PSK identities and raw public keys are unique platform-wide too (the handshake names the device by them), so a
 * credential another tenant has is answered CREDENTIAL_TAKEN like one of one's own, and spends the same budget.
 */
@Injectable()
export class EndpointProbes {
  private readonly collisions: Counter<'tenant'>;
  private readonly credentialCollisions: Counter<'tenant'>;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(METRICS_REGISTRY) metrics: Registry,
  ) {
    this.collisions = new Counter({
      name: 'gateway_endpoint_foreign_collisions_total',
      help: 'Provisioned endpoint names already used by another tenant (probing shows here)',
      labelNames: ['tenant'] as const,
      registers: [metrics],
    });
    this.credentialCollisions = new Counter({
      name: 'gateway_credential_foreign_collisions_total',
      help: 'PSK identities and public keys given at provisioning that another tenant already uses (probing shows here)',
      labelNames: ['tenant'] as const,
      registers: [metrics],
    });
  }

  private key(tenant: string): string {
    const window = Math.floor(Date.now() / 1000 / this.config.PROVISION_PROBE_WINDOW_SECONDS);
    return `quota:probe:${tenant}:${window}`;
  }

  /** Refuses provisioning while the tenant's budget of the current window is spent. */
  async assertOpen(tenant: string): Promise<void> {
    const used = Number((await this.redis.get(this.key(tenant))) ?? 0);
    if (used >= this.config.PROVISION_PROBE_BUDGET) throw this.refused();
  }

  /** Spends `count` collisions with other tenants' names or credentials; over the budget, the call is refused. */
  async spend(tenant: string, count: number, kind: ProbeKind = 'endpoint'): Promise<void> {
    if (count === 0) return;
    (kind === 'endpoint' ? this.collisions : this.credentialCollisions).inc({ tenant }, count);
    const key = this.key(tenant);
    const used = await this.redis.incrby(key, count);
    if (used === count) await this.redis.expire(key, this.config.PROVISION_PROBE_WINDOW_SECONDS);
    if (used > this.config.PROVISION_PROBE_BUDGET) {
      // Spent for the rest of the window: later calls are refused before any name is looked at.
      await this.redis.set(key, String(this.config.PROVISION_PROBE_BUDGET), 'KEEPTTL');
      throw this.refused();
    }
  }

  private refused(): GatewayException {
    return new GatewayException(
      GatewayErrorCode.RateLimited,
      'too many endpoint names or credentials that cannot be provisioned: provisioning paused for this tenant, retry later',
      { retryAfterSeconds: this.config.PROVISION_PROBE_WINDOW_SECONDS },
    );
  }
}
