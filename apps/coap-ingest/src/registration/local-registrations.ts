import { type CoapEndpoint, type Peer } from '@smartcity/coap';
import { type Registration } from '@smartcity/lwm2m-server';

/** How this instance reaches a device: the peer it last heard it from, on the endpoint (coap or coaps) it uses. */
export interface DeviceContact {
  readonly peer: Peer;
  readonly via: CoapEndpoint;
}

/** A registration this instance owns (it last heard from the device), with its live per-process state. */
export interface OwnedRegistration {
  registration: Registration;
  /** The device's peer: its address for NoSec, its DTLS session (key and identity) for coaps. */
  peer: Peer;
  /** The endpoint the device talks through: requests to it leave from there (its NAT binding, its session). */
  via: CoapEndpoint;
  /** Last uplink of any kind (ms): a queue-mode device is awake for a window after it (Transport §6.5). */
  lastUplinkAt: number;
  /** Observed path -> the observation's token (its relation in the CoAP endpoint, with `peer`). */
  readonly observations: Map<string, Buffer>;
  /** Requests waiting for a queue-mode device to wake up. */
  readonly held: (() => void)[];
}

/**
 * In-process index of the registrations this instance owns: the hot path (Send, notifications) resolves a
 * device by its address without a Redis round trip. Everything here can be rebuilt from Redis, so a restart
 * or a takeover by another instance loses nothing.
 */
export class LocalRegistrations {
  private readonly byId = new Map<string, OwnedRegistration>();
  private readonly byPeer = new Map<string, OwnedRegistration>();
  private readonly byEndpoint = new Map<string, OwnedRegistration>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): OwnedRegistration | undefined {
    return this.byId.get(id);
  }

  getByPeer(peer: Peer): OwnedRegistration | undefined {
    return this.byPeer.get(peer.key);
  }

  getByEndpoint(endpoint: string): OwnedRegistration | undefined {
    return this.byEndpoint.get(endpoint);
  }

  /** A peer that holds a registration here proved its address (RFC 7252 §11.3 amplification exemption). */
  isVerified(peer: Peer): boolean {
    return this.byPeer.has(peer.key);
  }

  /** Adds or refreshes an owned registration; keeps observations and held requests of the same id. */
  put(registration: Registration, now: number, contact: DeviceContact): OwnedRegistration {
    const { peer, via } = contact;
    let owned = this.byId.get(registration.id);
    if (owned) {
      if (owned.peer.key !== peer.key && this.byPeer.get(owned.peer.key) === owned)
        this.byPeer.delete(owned.peer.key);
      owned.registration = registration;
      owned.peer = peer;
      owned.via = via;
      owned.lastUplinkAt = now;
    } else {
      const previous = this.byEndpoint.get(registration.endpoint);
      if (previous) this.remove(previous.registration.id);
      owned = { registration, peer, via, lastUplinkAt: now, observations: new Map(), held: [] };
      this.byId.set(registration.id, owned);
    }
    this.byPeer.set(peer.key, owned);
    this.byEndpoint.set(registration.endpoint, owned);
    return owned;
  }

  remove(id: string): OwnedRegistration | undefined {
    const owned = this.byId.get(id);
    if (!owned) return undefined;
    this.byId.delete(id);
    if (this.byPeer.get(owned.peer.key) === owned) this.byPeer.delete(owned.peer.key);
    if (this.byEndpoint.get(owned.registration.endpoint) === owned)
      this.byEndpoint.delete(owned.registration.endpoint);
    return owned;
  }

  all(): IterableIterator<OwnedRegistration> {
    return this.byId.values();
  }
}
