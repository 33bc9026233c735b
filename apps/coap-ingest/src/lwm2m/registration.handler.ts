import {
  type CoapEndpoint,
  type CoapExchange,
  CoapCode,
  CoapOption,
  stringOptions,
  uintOption,
  uintOptionOf,
  uriQueryOf,
} from '@smartcity/coap';
import {
  RegistrationErrorCode,
  type RegistrationFailure,
  type RegistrationService,
} from '@smartcity/lwm2m-server';
import { type DeviceRequestService } from '../downlink/device-request.service';
import { type LocalRegistrations } from '../registration/local-registrations';
import { type RegistrationOwnership } from './ownership';
import { type RateAdmission } from './rate-admission';

/**
 * The CoAP binding of the Registration interface (Transport 1.1.1 §6.4.3): POST /rd -> Register (2.01 with
 * Location-Path rd/<id>), POST /rd/<id> -> Update (2.04), DELETE /rd/<id> -> De-register (2.02). The LwM2M logic
 * is the transport-free RegistrationService; this class adds the CoAP codes and the instance's ownership.
 */
export class RegistrationHandler {
  constructor(
    private readonly service: RegistrationService,
    private readonly local: LocalRegistrations,
    private readonly ownership: RegistrationOwnership,
    private readonly requests: DeviceRequestService,
    private readonly admission: RateAdmission,
  ) {}

  async register(exchange: CoapExchange, via: CoapEndpoint): Promise<void> {
    const flooding = this.admission.checkAddress(exchange.peer);
    if (flooding) return respondFailure(exchange, flooding);
    const result = await this.service.register({
      query: uriQueryOf(exchange.request),
      links: exchange.request.payload.toString('utf8'),
      contentFormat: uintOptionOf(exchange.request, CoapOption.ContentFormat),
      peer: exchange.peer,
    });
    if (!result.ok) return respondFailure(exchange, result);
    // The instance that held a replaced registration lets go of it too.
    if (result.replaced) await this.ownership.end(result.replaced);
    const contact = { peer: exchange.peer, via };
    // Not announced: the id is new, so no other instance holds it (a replaced one was ended above), and a
    // registration storm saves a Redis PUBLISH per device.
    const owned = await this.ownership.own(result.registration, exchange.receivedAt, contact, {
      announce: false,
    });
    exchange.respond(
      CoapCode.Created,
      stringOptions(CoapOption.LocationPath, ['rd', result.registration.id]),
    );
    this.ownership.observeLater(owned);
  }

  async update(exchange: CoapExchange, via: CoapEndpoint, id: string): Promise<void> {
    const known = this.local.get(id)?.registration;
    const links = exchange.request.payload.length > 0 ? exchange.request.payload.toString('utf8') : undefined;
    const contentFormat = uintOptionOf(exchange.request, CoapOption.ContentFormat);
    const result = await this.service.update(id, {
      query: uriQueryOf(exchange.request),
      ...(links !== undefined ? { links } : {}),
      ...(contentFormat !== undefined ? { contentFormat } : {}),
      peer: exchange.peer,
      ...(known ? { known } : {}),
    });
    if (!result.ok) return respondFailure(exchange, result);
    const tookOver = !known;
    const contact = { peer: exchange.peer, via };
    const owned = await this.ownership.own(result.registration, exchange.receivedAt, contact, {
      announce: tookOver,
    });
    exchange.respond(CoapCode.Changed);
    this.requests.wake(owned);
    if (result.linksChanged || tookOver) this.ownership.observeLater(owned);
  }

  async deregister(exchange: CoapExchange, id: string): Promise<void> {
    const result = await this.service.deregister(id, exchange.peer, this.local.get(id)?.registration);
    if (!result.ok) return respondFailure(exchange, result);
    await this.ownership.end(id);
    exchange.respond(CoapCode.Deleted);
  }
}

/** A refusal as its CoAP response, with a diagnostic payload (RFC 7252 §5.5.2). */
export function respondFailure(exchange: CoapExchange, failure: RegistrationFailure): void {
  const options =
    failure.retryAfterS !== undefined ? [uintOption(CoapOption.MaxAge, failure.retryAfterS)] : [];
  exchange.respond(coapCodeOfRegistration(failure.code), options, Buffer.from(failure.message));
}

function coapCodeOfRegistration(code: RegistrationErrorCode): number {
  switch (code) {
    case RegistrationErrorCode.BadRequest:
      return CoapCode.BadRequest;
    case RegistrationErrorCode.Forbidden:
      return CoapCode.Forbidden;
    case RegistrationErrorCode.NotFound:
      return CoapCode.NotFound;
    case RegistrationErrorCode.UnsupportedContentFormat:
      return CoapCode.UnsupportedContentFormat;
    case RegistrationErrorCode.RateLimited:
      return CoapCode.TooManyRequests;
  }
}
