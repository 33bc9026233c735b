import { type CoapEndpoint, type Peer } from '@smartcity/coap';
import { type Registration } from '@smartcity/lwm2m-server';

const NO_OBSERVATIONS: ReadonlyMap<string, Buffer> = new Map();
const NOTHING_HELD: readonly (() => void)[] = Object.freeze([]);

/**
 * A registration this instance owns (it last heard from the device), with its live per-process state. One of these
 * lives per device for as long as it is registered (100,000 on one instance), so the state most devices never have
 * (observations, requests held for a sleeping device) is created on first use, not per device: an empty Map costs
 * more than the rest of the object.
 */
export class OwnedRegistration {
  private observed: Map<string, Buffer> | undefined;
  private waiting: (() => void)[] | undefined;

  constructor(
    public registration: Registration,
    /** The device's peer: its address for NoSec, its DTLS session (key and identity) for coaps. */
    public peer: Peer,
    /** The endpoint the device talks through: requests to it leave from there (its NAT binding, its session). */
    public via: CoapEndpoint,
    /** Last uplink of any kind (ms): a queue-mode device is awake for a window after it (Transport §6.5). */
    public lastUplinkAt: number,
  ) {}

  /** Observed path -> the observation's token (its relation in the CoAP endpoint, with `peer`). */
  get observations(): ReadonlyMap<string, Buffer> {
    return this.observed ?? NO_OBSERVATIONS;
  }

  setObservation(path: string, token: Buffer): void {
    (this.observed ??= new Map()).set(path, token);
  }

  deleteObservation(path: string): void {
    this.observed?.delete(path);
    if (this.observed?.size === 0) this.observed = undefined;
  }

  clearObservations(): void {
    this.observed = undefined;
  }

  /** Requests waiting for a queue-mode device to wake up. */
  get held(): readonly (() => void)[] {
    return this.waiting ?? NOTHING_HELD;
  }

  hold(release: () => void): void {
    (this.waiting ??= []).push(release);
  }

  /** Stops holding one request (it timed out or the device moved). */
  unhold(release: () => void): void {
    const i = this.waiting?.indexOf(release) ?? -1;
    if (i >= 0) this.waiting!.splice(i, 1);
    if (this.waiting?.length === 0) this.waiting = undefined;
  }

  /** Every held request, no longer held. */
  takeHeld(): (() => void)[] {
    const all = this.waiting ?? [];
    this.waiting = undefined;
    return all;
  }
}
