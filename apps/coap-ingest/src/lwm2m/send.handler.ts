import { type CoapExchange, CoapCode, CoapOption, decodeUint, getOption } from '@smartcity/coap';
import { IngestError, IngestErrorCode } from './ingest.errors';
import { type Lwm2mContext } from './lwm2m-context';

/** Content formats of the Send operation: SenML JSON 110, SenML CBOR 112 (Core 1.1.1 §6.4.6), LwM2M CBOR 11544 (1.2). */
const SEND_FORMATS = new Set([110, 112, 11544]);

/**
 * Send (POST /dp, LwM2M Core 1.1.1 §6.4.6, Transport §6.4.5): the hot path. The device is identified by
 * its address (the registration it made from it); the payload goes to Kafka raw with its content format, and
 * the device gets 2.04 only once Kafka acknowledged.
 */
export class SendHandler {
  constructor(private readonly ctx: Lwm2mContext) {}

  async send(exchange: CoapExchange): Promise<void> {
    const now = exchange.receivedAt;
    let owned = this.ctx.local.getByPeer(exchange.peer);
    if (!owned) {
      // Registered through another instance (or before a restart): take the endpoint over.
      const registration = await this.ctx.store.getByAddress(exchange.peer.address, exchange.peer.port);
      if (registration) owned = await this.ctx.takeOver(registration, exchange, now);
      if (!owned)
        throw new IngestError(
          IngestErrorCode.NotRegistered,
          'no registration for this address; register first',
        );
    }
    const contentFormat = decodeUint(getOption(exchange.request, CoapOption.ContentFormat));
    if (contentFormat === undefined || !SEND_FORMATS.has(contentFormat)) {
      throw new IngestError(
        IngestErrorCode.UnsupportedContentFormat,
        'Send takes SenML JSON (110), SenML CBOR (112) or LwM2M CBOR (11544)',
      );
    }
    if (exchange.request.payload.length === 0)
      throw new IngestError(IngestErrorCode.BadRequest, 'Send without payload');
    const registration = owned.registration;
    this.ctx.checkRate(registration.endpoint, registration.tenant);
    owned.lastUplinkAt = now;
    await this.ctx.publisher.publish(registration, {
      kind: 'send',
      receivedAt: now,
      contentFormat,
      payload: exchange.request.payload.toString('base64'),
    });
    this.ctx.metrics.uplinks.inc({ kind: 'send' });
    exchange.respond(CoapCode.Changed);
    this.ctx.requests.wake(owned);
  }
}
