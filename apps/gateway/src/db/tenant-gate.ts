import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';

export interface TenantGateOptions {
  /** Transactions one tenant may run at once (of the pool's connections: the rest stay free for other tenants). */
  readonly concurrency: number;
  /** Transactions one tenant may have waiting; beyond, RATE_LIMITED at once. */
  readonly maxQueued: number;
  /** Longest wait for a slot, ms; then RATE_LIMITED. */
  readonly maxWaitMs: number;
  /** Called when a tenant is refused (metrics). */
  readonly onRejected?: (tenant: string, reason: 'queue_full' | 'wait_timeout') => void;
}

interface Lane {
  active: number;
  readonly waiting: { grant: () => void; timer: NodeJS.Timeout }[];
}

/**
 * Per-tenant concurrency limit in front of the shared pool (issue 17 "fair use of the database"): one city's heavy
 * requests (30 aliased scans take 30 connections otherwise) queue behind its own slots while the other cities'
 * requests find free connections. One gate per gateway process: with R replicas a tenant holds at most
 * R x concurrency connections.
 */
export class TenantGate {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly options: TenantGateOptions) {}

  async run<T>(tenant: string, fn: () => Promise<T>): Promise<T> {
    await this.acquire(tenant);
    try {
      return await fn();
    } finally {
      this.release(tenant);
    }
  }

  /** Slots in use and waiting, for a tenant (tests, metrics). */
  usage(tenant: string): { active: number; waiting: number } {
    const lane = this.lanes.get(tenant);
    return { active: lane?.active ?? 0, waiting: lane?.waiting.length ?? 0 };
  }

  private acquire(tenant: string): Promise<void> {
    let lane = this.lanes.get(tenant);
    if (!lane) {
      lane = { active: 0, waiting: [] };
      this.lanes.set(tenant, lane);
    }
    if (lane.active < this.options.concurrency) {
      lane.active++;
      return Promise.resolve();
    }
    if (lane.waiting.length >= this.options.maxQueued) {
      this.options.onRejected?.(tenant, 'queue_full');
      return Promise.reject(rateLimited(this.options.maxWaitMs));
    }
    const current = lane;
    return new Promise<void>((resolve, reject) => {
      const entry = {
        grant: () => {
          clearTimeout(entry.timer);
          resolve();
        },
        timer: setTimeout(() => {
          const i = current.waiting.indexOf(entry);
          if (i >= 0) current.waiting.splice(i, 1);
          this.options.onRejected?.(tenant, 'wait_timeout');
          reject(rateLimited(this.options.maxWaitMs));
        }, this.options.maxWaitMs),
      };
      current.waiting.push(entry);
    });
  }

  private release(tenant: string): void {
    const lane = this.lanes.get(tenant);
    if (!lane) return;
    const next = lane.waiting.shift();
    // The slot passes straight to the next waiter; `active` stays the same.
    if (next) next.grant();
    else if (--lane.active === 0) this.lanes.delete(tenant);
  }
}

function rateLimited(waitMs: number): GatewayException {
  return new GatewayException(
    GatewayErrorCode.RateLimited,
    "too many concurrent requests for this tenant's share of the database, retry shortly",
    { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) },
  );
}

/** The gates of TenantDb: every transaction passes `queries`; raw scans also `tenantScans` then `allScans` ('*'). */
export interface TenantGates {
  readonly queries: TenantGate;
  readonly tenantScans: TenantGate;
  readonly allScans: TenantGate;
}
