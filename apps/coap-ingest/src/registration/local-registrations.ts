import { type CoapEndpoint, type Peer } from '@smartcity/coap';
import { type Registration } from '@smartcity/lwm2m-server';
import { OwnedRegistration } from './owned-registration';
import { RegistrationCompactor } from './registration-compactor';

export { OwnedRegistration };

/** How this instance reaches a device: the peer it last heard it from, on the endpoint (coap or coaps) it uses. */
export interface DeviceContact {
  readonly peer: Peer;
  readonly via: CoapEndpoint;
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
  private readonly compactor = new RegistrationCompactor();

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
  put(received: Registration, now: number, contact: DeviceContact): OwnedRegistration {
    const { peer, via } = contact;
    const registration = this.compactor.compact(received, peer.address);
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
      owned = new OwnedRegistration(registration, peer, via, now);
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
