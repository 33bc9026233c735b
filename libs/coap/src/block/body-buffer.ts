import { type Clock, type TimerHandle } from '../time/clock';
import { type BlockSettings } from './block-settings';

interface Entry<T> {
  readonly peerKey: string;
  value: T;
  bytes: number;
  timer: TimerHandle | undefined;
}

/**
 * Bounded storage of Block-wise state keyed by request: per-peer and total entry counts, total bytes, and an
 * idle timeout per entry. Used for Block1 reassembly and for cached Block2 bodies.
 */
export class BodyBuffer<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly perPeer = new Map<string, number>();
  private bytes = 0;

  constructor(
    private readonly clock: Clock,
    private readonly settings: BlockSettings,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get bufferedBytes(): number {
    return this.bytes;
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry) this.touch(key, entry);
    return entry?.value;
  }

  /** Stores a new entry; false when a limit refuses it (the caller answers 4.13 or 5.03). */
  put(key: string, peerKey: string, value: T, bytes: number): boolean {
    this.delete(key);
    if (this.entries.size >= this.settings.maxTransfers) return false;
    if ((this.perPeer.get(peerKey) ?? 0) >= this.settings.maxTransfersPerPeer) return false;
    if (this.bytes + bytes > this.settings.maxBufferedBytes) return false;
    const entry: Entry<T> = { peerKey, value, bytes, timer: undefined };
    this.entries.set(key, entry);
    this.perPeer.set(peerKey, (this.perPeer.get(peerKey) ?? 0) + 1);
    this.bytes += bytes;
    this.touch(key, entry);
    return true;
  }

  /** Grows an entry's accounted size; false (and the entry dropped) when the total would pass the limit. */
  grow(key: string, value: T, extraBytes: number): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    if (this.bytes + extraBytes > this.settings.maxBufferedBytes) {
      this.delete(key);
      return false;
    }
    entry.value = value;
    entry.bytes += extraBytes;
    this.bytes += extraBytes;
    this.touch(key, entry);
    return true;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.clock.clearTimeout(entry.timer);
    this.entries.delete(key);
    this.bytes -= entry.bytes;
    const n = (this.perPeer.get(entry.peerKey) ?? 1) - 1;
    if (n <= 0) this.perPeer.delete(entry.peerKey);
    else this.perPeer.set(entry.peerKey, n);
  }

  clear(): void {
    for (const key of [...this.entries.keys()]) this.delete(key);
  }

  private touch(key: string, entry: Entry<T>): void {
    this.clock.clearTimeout(entry.timer);
    entry.timer = this.clock.setTimeout(() => {
      if (this.entries.get(key) === entry) this.delete(key);
    }, this.settings.transferTimeoutMs);
  }
}
