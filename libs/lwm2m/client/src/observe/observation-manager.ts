import { type Clock, type Peer, type TimerHandle } from '@smartcity/coap';
import { type Lwm2mPath } from '@smartcity/lwm2m-core';
import { type AttributeStore, type EffectiveAttributes } from './attribute-store';
import { changeQualifies, nextNotificationAt, type NotificationState } from './notification-policy';

/** One Observe (or Observe-Composite) relationship established by a server (RFC 7641 §3, Core 1.1.1 §5.5.1). */
export interface Observation {
  readonly key: string;
  readonly peer: Peer;
  readonly token: Buffer;
  readonly paths: readonly Lwm2mPath[];
  readonly composite: boolean;
  /** Content format of the notifications: the Accept of the Observe request, else the client's choice. */
  readonly contentFormat: number | undefined;
}

/** What the manager needs from the client: current numeric value, and sending (encode + transmit). */
export interface ObservationHost {
  /** The value of a single numeric resource (for gt/lt/st), else undefined. */
  numericValue(path: Lwm2mPath): number | undefined;
  /** Sends one notification; resolves false when the observer is gone (RST, or a CON never acknowledged). */
  notify(observation: Observation): Promise<boolean>;
  serverDefaults(): { pmin?: number; pmax?: number };
}

interface Live {
  readonly observation: Observation;
  state: NotificationState;
  timer: TimerHandle | undefined;
  sending: boolean;
}

/** An observation is identified by its observer (the peer: a DTLS session or an address) and token (RFC 7641 §3.1). */
export function observationKey(peer: Peer, token: Buffer): string {
  return `${peer.key}#${token.toString('hex')}`;
}

/**
 * Schedules notifications of every observation of one client: marks qualifying changes, waits for pmin, sends
 * at pmax without change, and drops an observation whose notification is rejected or never acknowledged
 * (RFC 7641 §3.6, §4.5).
 */
export class ObservationManager {
  private readonly live = new Map<string, Live>();

  constructor(
    private readonly attributes: AttributeStore,
    private readonly host: ObservationHost,
    private readonly clock: Clock,
  ) {}

  get size(): number {
    return this.live.size;
  }

  /** Starts (or, for the same token, replaces) an observation whose Observe response just left. */
  add(observation: Observation): void {
    this.cancel(observation.key);
    const entry: Live = {
      observation,
      state: { lastSentAt: this.clock.now(), lastSentValue: this.singleValue(observation), pending: false },
      timer: undefined,
      sending: false,
    };
    this.live.set(observation.key, entry);
    this.schedule(entry);
  }

  cancel(key: string): boolean {
    const entry = this.live.get(key);
    if (!entry) return false;
    this.clock.clearTimeout(entry.timer);
    this.live.delete(key);
    return true;
  }

  cancelAll(): void {
    for (const key of [...this.live.keys()]) this.cancel(key);
  }

  /** A value below (or above, for a deleted instance) an observed path changed. */
  changed(path: Lwm2mPath): void {
    for (const entry of this.live.values()) {
      const related = entry.observation.paths.some((p) => p.contains(path) || path.contains(p));
      if (!related) continue;
      const attrs = this.attrs(entry.observation);
      if (changeQualifies(attrs, entry.state.lastSentValue, this.singleValue(entry.observation))) {
        entry.state = { ...entry.state, pending: true };
        this.schedule(entry);
      }
    }
  }

  /** Attributes were written: every observation recomputes its next notification time. */
  attributesChanged(): void {
    for (const entry of this.live.values()) this.schedule(entry);
  }

  private attrs(observation: Observation): EffectiveAttributes {
    // A composite observation uses the attributes of its first path for timing (Core 1.1.1 §5.5.2 leaves it open).
    const path = observation.paths[0];
    const defaults = this.host.serverDefaults();
    return path ? this.attributes.effective(path, defaults) : { pmin: defaults.pmin ?? 0 };
  }

  private singleValue(observation: Observation): number | undefined {
    if (observation.composite || observation.paths.length !== 1) return undefined;
    const path = observation.paths[0] as Lwm2mPath;
    return path.level === 'resource' || path.level === 'resourceInstance'
      ? this.host.numericValue(path)
      : undefined;
  }

  private schedule(entry: Live): void {
    this.clock.clearTimeout(entry.timer);
    entry.timer = undefined;
    if (entry.sending) return; // rescheduled when the send completes
    const at = nextNotificationAt(this.attrs(entry.observation), entry.state);
    if (at === undefined) return;
    entry.timer = this.clock.setTimeout(() => void this.fire(entry), Math.max(0, at - this.clock.now()));
  }

  private async fire(entry: Live): Promise<void> {
    entry.timer = undefined;
    if (this.live.get(entry.observation.key) !== entry) return;
    entry.sending = true;
    const value = this.singleValue(entry.observation);
    entry.state = { lastSentAt: this.clock.now(), lastSentValue: value, pending: false };
    let alive = false;
    try {
      alive = await this.host.notify(entry.observation);
    } catch {
      alive = true; // an encoding problem is not the observer's fault; try again at the next change or pmax
    }
    entry.sending = false;
    if (!alive) {
      this.cancel(entry.observation.key);
      return;
    }
    if (this.live.get(entry.observation.key) === entry) this.schedule(entry);
  }
}
