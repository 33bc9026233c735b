import { type Registration, type RegistrationChange, type RegistrationEvents } from '@smartcity/lwm2m-server';
import { type IngestMetrics } from '../metrics/ingest.metrics';
import { type UplinkPublisher } from '../uplink/uplink-publisher';

/** Registration events as `lwm2m.uplink.v1` messages (ARCHITECTURE.md "Kafka topics"), acknowledged by Kafka. */
export class RegistrationEventsPublisher implements RegistrationEvents {
  constructor(
    private readonly publisher: UplinkPublisher,
    private readonly metrics: IngestMetrics,
    private readonly now: () => number,
  ) {}

  async registered(r: Registration, address: string): Promise<void> {
    await this.publisher.publish(r, {
      kind: 'registration',
      receivedAt: r.registeredAt,
      lwm2mVersion: r.lwm2mVersion,
      lifetime: r.lifetime,
      binding: r.binding,
      queueMode: r.queueMode,
      ...(r.sms !== undefined ? { sms: r.sms } : {}),
      links: r.links,
      address,
    });
    this.metrics.registrationEvents.inc({ event: 'registration' });
  }

  async updated(r: Registration, change: RegistrationChange, address: string): Promise<void> {
    const { params } = change;
    await this.publisher.publish(r, {
      kind: 'update',
      receivedAt: this.now(),
      ...(params.lifetime !== undefined ? { lifetime: params.lifetime } : {}),
      ...(params.binding !== undefined ? { binding: params.binding } : {}),
      ...(params.queueMode !== undefined ? { queueMode: params.queueMode } : {}),
      ...(params.smsNumber !== undefined ? { sms: params.smsNumber } : {}),
      ...(change.links !== undefined ? { links: change.links } : {}),
      address,
    });
    this.metrics.registrationEvents.inc({ event: 'update' });
  }

  async deregistered(r: Registration): Promise<void> {
    await this.publisher.publish(r, { kind: 'deregistration', receivedAt: this.now() });
    this.metrics.registrationEvents.inc({ event: 'deregistration' });
  }
}
