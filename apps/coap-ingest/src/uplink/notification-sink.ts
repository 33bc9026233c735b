import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { type NotificationListener, CoapOption, decodeUint, formatCode, getOption } from '@smartcity/coap';
import {
  type Logger,
  ROOT_CONTEXT,
  SpanKind,
  TRACING_DISABLED,
  type Tracing,
  withSpan,
} from '@smartcity/platform-observability';
import { type IngestMetrics } from '../metrics/ingest.metrics';
import { type LocalRegistrations } from '../registration/local-registrations';
import { type PayloadCheck } from './payload-check';
import { type UplinkPublisher } from './uplink-publisher';

/** Turns notifications of an observation (RFC 7641, LwM2M Core 1.1.1 §6.4.2) into `notify` uplinks. */
export class NotificationSink {
  constructor(
    private readonly local: LocalRegistrations,
    private readonly publisher: UplinkPublisher,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly payloads: PayloadCheck,
    private readonly tracing: Tracing = TRACING_DISABLED,
  ) {}

  /**
   * A listener for one observation; resolves true once Kafka stored the notification (then the CON is ACKed), or
   * 'reject' for a body that cannot be decoded: it is answered with a Reset (ending the observation), not ACKed.
   */
  listener(registrationId: string, paths: readonly string[]): NotificationListener {
    const listener = this.untracedListener(registrationId, paths);
    // Decided once per observation, not per notification: with tracing off the listener is the plain one.
    if (!this.tracing.enabled) return listener;
    // A notification starts its own trace (a SERVER span, root: the device sends no trace context), the Kafka send
    // of its `notify` uplink is the child whose traceparent the decoder continues.
    return (notification) =>
      withSpan(
        this.tracing,
        'CoAP notification',
        {
          kind: SpanKind.SERVER,
          parent: ROOT_CONTEXT,
          attributes: {
            'lwm2m.registration.id': registrationId,
            'lwm2m.paths': [...paths],
            'coap.response.code': formatCode(notification.message.code),
          },
        },
        async (span) => {
          const outcome = await listener(notification);
          span?.setAttribute('lwm2m.notification.outcome', String(outcome));
          return outcome;
        },
      );
  }

  private untracedListener(registrationId: string, paths: readonly string[]): NotificationListener {
    return async ({ message, payload }) => {
      const owned = this.local.get(registrationId);
      if (!owned) return false;
      owned.lastUplinkAt = this.now();
      if (message.code >> 5 !== 2) return true; // an error code ends the observation (RFC 7641 §3.2); nothing to store
      const contentFormat = decodeUint(getOption(message, CoapOption.ContentFormat)) ?? 0;
      const base = paths.length === 1 ? Lwm2mPath.tryParse(paths[0]!) : Lwm2mPath.ROOT;
      const problem = this.payloads.problem(
        payload,
        contentFormat,
        owned.registration.objectVersions,
        base ?? Lwm2mPath.ROOT,
      );
      if (problem) {
        this.metrics.uplinks.inc({ kind: 'notify-rejected' });
        this.logger.warn({ registrationId, paths, problem }, 'notification refused: cannot be decoded');
        return 'reject';
      }
      try {
        await this.publish(
          registrationId,
          paths,
          message.token,
          payload,
          contentFormat,
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
