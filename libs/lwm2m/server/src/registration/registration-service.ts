import { type Clock, type Peer, formatPeer } from '@smartcity/coap';
import {
  Lwm2mCodecError,
  parseRegistrationLinks,
  parseRegistrationParams,
  parseUpdateParams,
  type RegistrationLinks,
  type UpdateParams,
} from '@smartcity/lwm2m-core';
import { isSameDevice, peerIdentityKey } from './identity';
import { type Registration, type RegistrationStore } from './registration';
import {
  type DeregisterResult,
  type RegisterRequest,
  type RegisterResult,
  RegistrationErrorCode,
  type RegistrationFailure,
  type UpdateRequest,
  type UpdateResult,
} from './registration-results';

/** Content-Format of Register/Update payloads (RFC 6690 link format). */
const LINK_FORMAT = 40;

/** The device an endpoint belongs to, or a refusal (Core 1.1.1 §6.2.1: 4.03 when the client is not allowed). */
export type AuthorizationResult =
  { readonly ok: true; readonly tenant: string; readonly deviceId: string } | { readonly ok: false };

/**
 * Decides whether a peer may register as an endpoint (Core 1.1.1 §6.2.1, Transport §5.2: with DTLS the
 * credential decides the client). Implemented by the deployment (device directory, credentials, tenancy).
 */
export interface RegistrationAuthorizer {
  authorize(endpoint: string, peer: Peer): Promise<AuthorizationResult>;
}

/**
 * Where registration events go before the state changes (a broker in the platform): the device hears
 * 2.01/2.04/2.02 only after they are stored, and a failure here changes nothing.
 */
export interface RegistrationEvents {
  registered(registration: Registration, address: string): Promise<void>;
  /** `params` as granted (a lifetime bounded by the maximum); `links` when the objects changed. */
  updated(registration: Registration, change: RegistrationChange, address: string): Promise<void>;
  deregistered(registration: Registration): Promise<void>;
}

export interface RegistrationChange {
  readonly params: UpdateParams;
  readonly links?: string;
}

export interface RegistrationChange {
  readonly params: UpdateParams;
  readonly links?: string;
}

/** Admission control after authorization (rate per endpoint/tenant, quotas); a refusal with a retry delay. */
export type Admission = (
  registration: Pick<Registration, 'endpoint' | 'tenant'>,
) => RegistrationFailure | undefined;

export interface RegistrationSettings {
  /** This server instance: the owner of the registrations it takes. */
  readonly instanceId: string;
  /** Seconds a registration survives past its lifetime without an Update (Core 1.1.1 §6.2.2). */
  readonly graceS: number;
  /** Largest lifetime granted (s); a longer one is shortened to it, so a silent device expires some day. */
  readonly maxLifetimeS: number;
}

export interface RegistrationServiceDeps {
  readonly store: RegistrationStore;
  readonly authorizer: RegistrationAuthorizer;
  readonly events: RegistrationEvents;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly settings: RegistrationSettings;
  readonly admit?: Admission;
}

/**
 * The Registration interface of an LwM2M server (Core 1.1.1 §6.2), independent of the transport: Register,
 * Update and De-register with typed results. Events are stored first, state second, so a failure of either
 * leaves the device unacknowledged and able to retry. Update and De-register are accepted only from the
 * registration's own device (same credential, or for NoSec the same address): the registration id is not a
 * secret and need not be one.
 */
export class RegistrationService {
  constructor(private readonly deps: RegistrationServiceDeps) {}

  async register(request: RegisterRequest): Promise<RegisterResult> {
    const now = this.deps.clock.now();
    const badFormat = checkLinkFormat(request.contentFormat);
    if (badFormat) return badFormat;
    let params: ReturnType<typeof parseRegistrationParams>;
    let links: RegistrationLinks;
    try {
      params = parseRegistrationParams(request.query);
      links = parseRegistrationLinks(request.links, { lwm2mVersion: params.lwm2mVersion });
    } catch (err) {
      return badRequest(err);
    }
    const grant = await this.deps.authorizer.authorize(params.endpoint, request.peer);
    // One answer for unknown, decommissioned and not-this-credential: names cannot be probed (§6.2.1).
    if (!grant.ok) return refusal(RegistrationErrorCode.Forbidden, 'not allowed to register');
    const refused = this.deps.admit?.({ endpoint: params.endpoint, tenant: grant.tenant });
    if (refused) return refused;
    const identity = peerIdentityKey(request.peer);
    const lifetime = Math.min(params.lifetime, this.deps.settings.maxLifetimeS);
    const registration: Registration = {
      id: this.deps.newId(),
      endpoint: params.endpoint,
      tenant: grant.tenant,
      deviceId: grant.deviceId,
      lwm2mVersion: params.lwm2mVersion as Registration['lwm2mVersion'],
      lifetime,
      binding: params.binding,
      queueMode: params.queueMode,
      ...(params.smsNumber !== undefined ? { sms: params.smsNumber } : {}),
      links: request.links,
      rootPath: links.rootPath,
      objectVersions: versions(links),
      peerAddress: request.peer.address,
      peerPort: request.peer.port,
      ...(identity !== undefined ? { identity } : {}),
      owner: this.deps.settings.instanceId,
      registeredAt: now,
      updatedAt: now,
      expiresAt: this.expiresAt(lifetime, now),
    };
    await this.deps.events.registered(registration, formatPeer(request.peer));
    const replaced = await this.deps.store.register(registration);
    return { ok: true, registration, ...(replaced !== undefined ? { replaced } : {}) };
  }

  async update(id: string, request: UpdateRequest): Promise<UpdateResult> {
    const now = this.deps.clock.now();
    const current = request.known ?? (await this.deps.store.get(id));
    if (!current || !isSameDevice(current, request.peer)) {
      // §6.2.2: an unknown registration is 4.04, and the client registers again. Another device's
      // registration looks unknown to this one.
      return refusal(RegistrationErrorCode.NotFound, 'no such registration');
    }
    // A device decommissioned (or whose credential changed) since it registered is not renewed: it registers
    // again, and is refused there if it may not.
    if (!(await this.deps.authorizer.authorize(current.endpoint, request.peer)).ok) {
      return refusal(RegistrationErrorCode.NotFound, 'no such registration');
    }
    let params: ReturnType<typeof parseUpdateParams>;
    let links: RegistrationLinks | undefined;
    const linkText = request.links !== undefined && request.links.length > 0 ? request.links : undefined;
    try {
      params = parseUpdateParams(request.query, current.lwm2mVersion);
      if (linkText !== undefined) {
        const badFormat = checkLinkFormat(request.contentFormat);
        if (badFormat) return badFormat;
        links = parseRegistrationLinks(linkText, { lwm2mVersion: current.lwm2mVersion });
      }
    } catch (err) {
      return badRequest(err);
    }
    const refused = this.deps.admit?.(current);
    if (refused) return refused;
    const lifetime =
      params.lifetime !== undefined
        ? Math.min(params.lifetime, this.deps.settings.maxLifetimeS)
        : current.lifetime;
    const objectVersions = links ? versions(links) : current.objectVersions;
    const granted: UpdateParams = { ...params, ...(params.lifetime !== undefined ? { lifetime } : {}) };
    await this.deps.events.updated(
      { ...current, objectVersions },
      { params: granted, ...(linkText !== undefined ? { links: linkText } : {}) },
      formatPeer(request.peer),
    );
    const updated = await this.deps.store.update(id, {
      lifetime,
      ...(params.binding !== undefined ? { binding: params.binding } : {}),
      ...(params.queueMode !== undefined ? { queueMode: params.queueMode } : {}),
      ...(params.smsNumber !== undefined ? { sms: params.smsNumber } : {}),
      ...(links && linkText !== undefined
        ? { links: linkText, rootPath: links.rootPath, objectVersions }
        : {}),
      peerAddress: request.peer.address,
      peerPort: request.peer.port,
      owner: this.deps.settings.instanceId,
      updatedAt: now,
      expiresAt: this.expiresAt(lifetime, now),
    });
    if (!updated) return refusal(RegistrationErrorCode.NotFound, 'the registration ended meanwhile');
    return {
      ok: true,
      registration: updated,
      params: granted,
      linksChanged: linkText !== undefined && linkText !== current.links,
    };
  }

  async deregister(id: string, peer: Peer, known?: Registration): Promise<DeregisterResult> {
    const current = known ?? (await this.deps.store.get(id));
    if (!current || !isSameDevice(current, peer))
      return refusal(RegistrationErrorCode.NotFound, 'no such registration');
    await this.deps.events.deregistered(current);
    await this.deps.store.deregister(id);
    return { ok: true, registration: current };
  }

  private expiresAt(lifetimeS: number, now: number): number {
    return now + (lifetimeS + this.deps.settings.graceS) * 1000;
  }
}

function checkLinkFormat(contentFormat: number | undefined): RegistrationFailure | undefined {
  // Register/Update payloads are CoRE link format (Content-Format 40) when a format is given at all.
  if (contentFormat === undefined || contentFormat === LINK_FORMAT) return undefined;
  return refusal(
    RegistrationErrorCode.UnsupportedContentFormat,
    `registration links must be application/link-format (40), got ${contentFormat}`,
  );
}

function badRequest(err: unknown): RegistrationFailure {
  // Core 1.1.1 §6.2.1: wrong Register/Update parameters or links -> 4.00 Bad Request.
  if (err instanceof Lwm2mCodecError) return refusal(RegistrationErrorCode.BadRequest, err.message);
  throw err;
}

function refusal(code: RegistrationErrorCode, message: string): RegistrationFailure {
  return { ok: false, code, message };
}

function versions(links: RegistrationLinks): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [objectId, version] of links.objectVersions) out[String(objectId)] = version;
  return out;
}
