import { type CoapEndpoint, type CoapExchange, CoapCode, CoapOption, uintOptionOf } from '@smartcity/coap';
import { type DeviceRequestService } from '../downlink/device-request.service';
import { type IngestMetrics } from '../metrics/ingest.metrics';
import { type LocalRegistrations } from '../registration/local-registrations';
import { type RegistrationLocator } from '../security/registration-locator';
import { type PayloadCheck } from '../uplink/payload-check';
import { type RetryStamps } from '../uplink/retry-stamps';
import { type UplinkPublisher } from '../uplink/uplink-publisher';
import { IngestError, IngestErrorCode } from './ingest.errors';
import { type RegistrationOwnership } from './ownership';
import { type RateAdmission } from './rate-admission';
import { respondFailure } from './registration.handler';

/** Content formats of the Send operation: SenML JSON 110, SenML CBOR 112 (Core 1.1.1 §6.4.6), LwM2M CBOR 11544 (1.2). */
const SEND_FORMATS = new Set([110, 112, 11544]);

/**
 * Send (POST /dp, LwM2M Core 1.1.1 §6.4.6, Transport §6.4.5): the hot path. The device is identified by its
 * security context (the registration its peer holds: same DTLS credential, or for NoSec the same address);
 * the payload goes to Kafka raw with its content format, and the device gets 2.04 only once Kafka acknowledged.
 */
export class SendHandler {
  constructor(
    private readonly local: LocalRegistrations,
    private readonly locator: RegistrationLocator,
    private readonly ownership: RegistrationOwnership,
    private readonly publisher: UplinkPublisher,
    private readonly admission: RateAdmission,
    private readonly requests: DeviceRequestService,
    private readonly metrics: IngestMetrics,
    private readonly payloads: PayloadCheck,
    private readonly retries: RetryStamps,
  ) {}

  async send(exchange: CoapExchange, via: CoapEndpoint): Promise<void> {
    const now = exchange.receivedAt;
    let owned = this.local.getByPeer(exchange.peer);
    const tookOver = !owned;
    if (!owned) {
      const flooding = this.admission.checkAddress(exchange.peer);
      if (flooding) return respondFailure(exchange, flooding);
      // Registered through another instance (or before a restart): take the endpoint over.
      const registration = await this.locator.registrationOf(exchange.peer);
      if (registration)
        owned = await this.ownership.takeOver(registration, { peer: exchange.peer, via }, now);
      if (!owned) throw new IngestError(IngestErrorCode.NotRegistered, 'not registered; register first');
    }
    const contentFormat = uintOptionOf(exchange.request, CoapOption.ContentFormat);
    if (contentFormat === undefined || !SEND_FORMATS.has(contentFormat)) {
      throw new IngestError(
        IngestErrorCode.UnsupportedContentFormat,
        'Send takes SenML JSON (110), SenML CBOR (112) or LwM2M CBOR (11544)',
      );
    }
    if (exchange.request.payload.length === 0)
      throw new IngestError(IngestErrorCode.BadRequest, 'Send without payload');
    const registration = owned.registration;
    const refused = this.admission.check(registration);
    if (refused) return respondFailure(exchange, refused);
    const problem = this.payloads.problem(
      exchange.request.payload,
      contentFormat,
      registration.objectVersions,
    );
    if (problem) throw new IngestError(IngestErrorCode.BadRequest, problem);
    owned.lastUplinkAt = now;
    const payload = exchange.request.payload;
    const retry = await this.retries.lookup(registration.endpoint, contentFormat, payload, tookOver);
    try {
      await this.publisher.publish(registration, {
        kind: 'send',
        receivedAt: now,
        ...(retry?.firstReceivedAt !== undefined ? { firstReceivedAt: retry.firstReceivedAt } : {}),
        contentFormat,
        payload: payload.toString('base64'),
      });
    } catch (err) {
      // The device gets 5.03 (lwm2m-router) and retries; the record may be stored all the same.
      await this.retries.failed(registration.endpoint, contentFormat, payload, retry?.firstReceivedAt ?? now);
      throw err;
    }
    if (retry) await this.retries.acknowledged(registration.endpoint, retry);
    this.metrics.uplinks.inc({ kind: 'send' });
    exchange.respond(CoapCode.Changed);
    this.requests.wake(owned);
  }
}
