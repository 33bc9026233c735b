import { ENDED } from '../lwm2m/ownership';
import { type Logger } from '@smartcity/platform-observability';
import { type IngestMetrics } from '../metrics/ingest.metrics';
import { type UplinkPublisher } from '../uplink/uplink-publisher';
import { type RegistrationStore } from '@smartcity/lwm2m-server';

/**
 * Publishes `expiry` events for registrations that outlived lifetime + grace without an Update (Core 1.1.1
 * §6.2.2). Every instance runs it; the store leases each expired registration to one of them, and a
 * registration is removed only after Kafka has the event (at-least-once: a crash re-publishes after the lease).
 */
export class ExpiryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: RegistrationStore,
    private readonly publisher: UplinkPublisher,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
    private readonly options: {
      intervalMs: number;
      leaseMs: number;
      batch: number;
      onExpired: (id: string) => void;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick()
        .then(() => undefined)
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  async tick(now = Date.now()): Promise<number> {
    let published = 0;
    try {
      const expired = await this.store.claimExpired(now, this.options.leaseMs, this.options.batch);
      for (const registration of expired) {
        await this.publisher.publish(registration, { kind: 'expiry', receivedAt: now });
        if (await this.store.completeExpiry(registration.id, now)) {
          this.options.onExpired(registration.id);
          // Whichever instance owns it drops it (this one may not be the owner).
          await this.store.announceOwner(registration.id, ENDED);
        }
        this.metrics.registrationEvents.inc({ event: 'expiry' });
        published++;
      }
    } catch (err) {
      this.logger.warn({ err }, 'expiry round failed; the lease makes it retry');
    }
    return published;
  }
}
