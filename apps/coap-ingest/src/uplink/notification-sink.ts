import { type NotificationListener, CoapOption, decodeUint, getOption } from '@smartcity/coap';
import { type Logger } from '@smartcity/platform-observability';
import { type IngestMetrics } from '../metrics/ingest.metrics';
import { type LocalRegistrations } from '../registration/local-registrations';
import { type UplinkPublisher } from './uplink-publisher';

/** Turns notifications of an observation (RFC 7641, LwM2M Core 1.1.1 §6.4.2) into `notify` uplinks. */
export class NotificationSink {
  constructor(
    private readonly local: LocalRegistrations,
    private readonly publisher: UplinkPublisher,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** A listener for one observation; resolves true once Kafka stored the notification (then the CON is ACKed). */
  listener(registrationId: string, paths: readonly string[]): NotificationListener {
    return async ({ message, payload }) => {
      const owned = this.local.get(registrationId);
      if (!owned) return false;
      owned.lastUplinkAt = this.now();
      if (message.code >> 5 !== 2) return true; // an error code ends the observation (RFC 7641 §3.2); nothing to store
      try {
        await this.publish(
          registrationId,
          paths,
          message.token,
          payload,
          decodeUint(getOption(message, CoapOption.ContentFormat)) ?? 0,
          decodeUint(getOption(message, CoapOption.Observe)),
        );
        return true;
      } catch (err) {
        this.logger.warn(
          { err, registrationId, paths },
          'notification not stored; the device will retransmit',
        );
        return false;
      }
    };
  }

  async publish(
    registrationId: string,
    paths: readonly string[],
    token: Buffer,
    payload: Buffer,
    contentFormat: number,
    observeSeq: number | undefined,
  ): Promise<void> {
    const owned = this.local.get(registrationId);
    if (!owned) return;
    await this.publisher.publish(owned.registration, {
      kind: 'notify',
      receivedAt: this.now(),
      contentFormat,
      payload: payload.toString('base64'),
      paths: [...paths],
      ...(observeSeq !== undefined ? { observeSeq } : {}),
      token: token.toString('hex'),
    });
    this.metrics.uplinks.inc({ kind: 'notify' });
  }
}
