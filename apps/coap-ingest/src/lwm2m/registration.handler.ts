import {
  type CoapExchange,
  CoapCode,
  CoapOption,
  decodeUint,
  getOption,
  stringOptions,
  formatPeer,
} from '@smartcity/coap';
import { randomBytes } from 'node:crypto';
import {
  parseRegistrationLinks,
  parseRegistrationParams,
  parseUpdateParams,
  type RegistrationLinks,
} from '@smartcity/lwm2m-core';
import { type Registration } from '../registration/registration';
import { IngestError, IngestErrorCode } from './ingest.errors';
import { type Lwm2mContext, uriQuery } from './lwm2m-context';

const CONTENT_FORMAT_LINK = 40;
/** Owner announced for a registration that ended: every instance drops its local copy. */
export const ENDED = '-';

/**
 * The Registration interface (LwM2M Core 1.1.1 §6.2; Transport 1.1.1 §6.4.3): Register, Update, De-register.
 * Each event goes to Kafka first; the device hears 2.01/2.04/2.02 only after Kafka acknowledged it and Redis
 * holds the new state (a Kafka failure becomes 5.03 and changes nothing).
 */
export class RegistrationHandler {
  constructor(private readonly ctx: Lwm2mContext) {}

  /** POST /rd?ep=..&lt=..&lwm2m=..&b=.. with a link-format payload -> 2.01 Location-Path rd/<id> (§6.2.1). */
  async register(exchange: CoapExchange): Promise<void> {
    const now = exchange.receivedAt;
    checkLinkFormat(exchange);
    const params = parseRegistrationParams(uriQuery(exchange));
    const links = parseRegistrationLinks(exchange.request.payload.toString('utf8'));
    const device = await this.ctx.directory.resolve(params.endpoint);
    if (!device)
      throw new IngestError(
        IngestErrorCode.UnknownEndpoint,
        `endpoint "${params.endpoint}" is not provisioned`,
      );
    if (device.decommissioned)
      throw new IngestError(
        IngestErrorCode.DecommissionedDevice,
        `device "${params.endpoint}" is decommissioned`,
      );
    this.ctx.checkRate(params.endpoint, device.tenant);
    const registration: Registration = {
      id: newRegistrationId(),
      endpoint: params.endpoint,
      tenant: device.tenant,
      deviceId: device.deviceId,
      lwm2mVersion: params.lwm2mVersion as Registration['lwm2mVersion'],
      lifetime: params.lifetime,
      binding: params.binding,
      queueMode: params.queueMode,
      ...(params.smsNumber !== undefined ? { sms: params.smsNumber } : {}),
      links: exchange.request.payload.toString('utf8'),
      rootPath: links.rootPath,
      objectVersions: versions(links),
      peerAddress: exchange.peer.address,
      peerPort: exchange.peer.port,
      owner: this.ctx.settings.instanceId,
      registeredAt: now,
      updatedAt: now,
      expiresAt: this.ctx.expiresAt(params.lifetime, now),
    };
    await this.ctx.publisher.publish(registration, {
      kind: 'registration',
      receivedAt: now,
      lwm2mVersion: registration.lwm2mVersion,
      lifetime: registration.lifetime,
      binding: registration.binding,
      queueMode: registration.queueMode,
      ...(registration.sms !== undefined ? { sms: registration.sms } : {}),
      links: registration.links,
      address: formatPeer(exchange.peer),
    });
    const replaced = await this.ctx.store.register(registration);
    if (replaced) {
      this.dropLocal(replaced);
      // The instance that held the replaced registration lets go of it too.
      await this.ctx.store.announceOwner(replaced, ENDED);
    }
    const owned = this.ctx.local.put(registration, now);
    await this.ctx.store.announceOwner(registration.id, this.ctx.settings.instanceId);
    this.ctx.metrics.registrationEvents.inc({ event: 'registration' });
    exchange.respond(CoapCode.Created, stringOptions(CoapOption.LocationPath, ['rd', registration.id]));
    this.ctx.observeLater(owned);
  }

  /** POST /rd/<id>?lt=..&b=..&sms=..&Q with optional links -> 2.04 (§6.2.2); unknown id -> 4.04. */
  async update(exchange: CoapExchange, id: string): Promise<void> {
    const now = exchange.receivedAt;
    const current = this.ctx.local.get(id)?.registration ?? (await this.ctx.store.get(id));
    if (!current) throw new IngestError(IngestErrorCode.UnknownRegistration, `no registration "${id}"`);
    const params = parseUpdateParams(uriQuery(exchange), current.lwm2mVersion);
    let links: RegistrationLinks | undefined;
    const linkText =
      exchange.request.payload.length > 0 ? exchange.request.payload.toString('utf8') : undefined;
    if (linkText !== undefined) {
      checkLinkFormat(exchange);
      links = parseRegistrationLinks(linkText);
    }
    this.ctx.checkRate(current.endpoint, current.tenant);
    const lifetime = params.lifetime ?? current.lifetime;
    const linksChanged = linkText !== undefined && linkText !== current.links;
    await this.ctx.publisher.publish(links ? { ...current, objectVersions: versions(links) } : current, {
      kind: 'update',
      receivedAt: now,
      ...(params.lifetime !== undefined ? { lifetime: params.lifetime } : {}),
      ...(params.binding !== undefined ? { binding: params.binding } : {}),
      ...(params.queueMode !== undefined ? { queueMode: params.queueMode } : {}),
      ...(params.smsNumber !== undefined ? { sms: params.smsNumber } : {}),
      ...(linkText !== undefined ? { links: linkText } : {}),
      address: formatPeer(exchange.peer),
    });
    const updated = await this.ctx.store.update(id, {
      lifetime,
      ...(params.binding !== undefined ? { binding: params.binding } : {}),
      ...(params.queueMode !== undefined ? { queueMode: params.queueMode } : {}),
      ...(params.smsNumber !== undefined ? { sms: params.smsNumber } : {}),
      ...(links && linkText !== undefined
        ? { links: linkText, rootPath: links.rootPath, objectVersions: versions(links) }
        : {}),
      peerAddress: exchange.peer.address,
      peerPort: exchange.peer.port,
      owner: this.ctx.settings.instanceId,
      updatedAt: now,
      expiresAt: this.ctx.expiresAt(lifetime, now),
    });
    if (!updated)
      throw new IngestError(IngestErrorCode.UnknownRegistration, `registration "${id}" ended meanwhile`);
    const tookOver = !this.ctx.local.get(id);
    const owned = this.ctx.local.put(updated, now);
    if (tookOver) await this.ctx.store.announceOwner(id, this.ctx.settings.instanceId);
    this.ctx.metrics.registrationEvents.inc({ event: 'update' });
    exchange.respond(CoapCode.Changed);
    this.ctx.requests.wake(owned);
    if (linksChanged || tookOver) this.ctx.observeLater(owned);
  }

  /** DELETE /rd/<id> -> 2.02 (§6.2.3); observations of the registration are cancelled. */
  async deregister(exchange: CoapExchange, id: string): Promise<void> {
    const now = exchange.receivedAt;
    const current = this.ctx.local.get(id)?.registration ?? (await this.ctx.store.get(id));
    if (!current) throw new IngestError(IngestErrorCode.UnknownRegistration, `no registration "${id}"`);
    await this.ctx.publisher.publish(current, { kind: 'deregistration', receivedAt: now });
    await this.ctx.store.deregister(id);
    this.dropLocal(id);
    await this.ctx.store.announceOwner(id, ENDED);
    this.ctx.metrics.registrationEvents.inc({ event: 'deregistration' });
    exchange.respond(CoapCode.Deleted);
  }

  /** Forgets a registration locally and its observations (later notifications get a Reset, RFC 7641 §3.6). */
  dropLocal(id: string): void {
    const owned = this.ctx.local.remove(id);
    if (!owned) return;
    for (const token of owned.observations.values()) this.ctx.requests.forgetObservation(owned, token);
    owned.observations.clear();
  }
}

/** Register/Update payloads are CoRE link format (Content-Format 40) when a format is given at all. */
function checkLinkFormat(exchange: CoapExchange): void {
  const cf = decodeUint(getOption(exchange.request, CoapOption.ContentFormat));
  if (cf !== undefined && cf !== CONTENT_FORMAT_LINK) {
    throw new IngestError(
      IngestErrorCode.UnsupportedContentFormat,
      `registration links must be application/link-format (40), got ${cf}`,
    );
  }
}

function versions(links: RegistrationLinks): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [objectId, version] of links.objectVersions) out[String(objectId)] = version;
  return out;
}

/** 10 random base32 characters: unguessable enough that an id does not let anyone else update a device. */
function newRegistrationId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = randomBytes(10);
  let id = '';
  for (const b of bytes) id += alphabet[b & 31];
  return id;
}
