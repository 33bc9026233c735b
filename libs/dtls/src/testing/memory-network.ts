import {
  type Clock,
  type DatagramListener,
  type DatagramTransport,
  type Peer,
  udpPeer,
} from '@smartcity/coap';

export interface InFlight {
  readonly from: { readonly address: string; readonly port: number };
  readonly to: { readonly address: string; readonly port: number };
  readonly data: Buffer;
  /** Running number of datagrams sent on the network. */
  readonly index: number;
}

/** What happens to a datagram: delivered copies with their delay (none: lost). */
export type Fate = Array<{ readonly delayMs: number; readonly data?: Buffer }>;

/**
 * An in-memory datagram network on an injected (fake) clock, for handshake tests: every datagram is delivered
 * after `latencyMs` through a timer, unless `filter` decides otherwise (loss, duplication, reordering by delay,
 * mutation). `rebind` moves an endpoint to a new source port, like a NAT rebinding (RFC 9146 §1).
 */
export class MemoryNetwork {
  private readonly endpoints = new Map<string, MemoryEndpoint>();
  private sent = 0;
  filter: ((d: InFlight) => Fate) | undefined;
  /** Bytes sent by each endpoint ("addr|port" of the endpoint's original bind). */
  readonly bytesSent = new Map<string, number>();
  readonly log: InFlight[] = [];
  keepLog = false;

  constructor(
    private readonly clock: Clock,
    private readonly latencyMs = 1,
  ) {}

  endpoint(address: string, port: number): MemoryEndpoint {
    const e = new MemoryEndpoint(this, address, port);
    this.endpoints.set(`${address}|${port}`, e);
    return e;
  }

  /** The endpoint now sends from (and receives on) `newPort`; its old port no longer reaches it. */
  rebind(e: MemoryEndpoint, newPort: number): void {
    this.endpoints.delete(`${e.address}|${e.port}`);
    e.port = newPort;
    this.endpoints.set(`${e.address}|${newPort}`, e);
  }

  deliver(from: MemoryEndpoint, data: Buffer, to: Peer): void {
    const d: InFlight = {
      from: { address: from.address, port: from.port },
      to: { address: to.address, port: to.port },
      data: Buffer.from(data),
      index: this.sent++,
    };
    if (this.keepLog) this.log.push(d);
    const k = from.originalKey;
    this.bytesSent.set(k, (this.bytesSent.get(k) ?? 0) + data.length);
    const fate = this.filter ? this.filter(d) : [{ delayMs: this.latencyMs }];
    for (const f of fate) {
      this.clock.setTimeout(() => {
        this.endpoints
          .get(`${to.address}|${to.port}`)
          ?.receive(f.data ?? d.data, d.from.address, d.from.port);
      }, f.delayMs);
    }
  }

  remove(e: MemoryEndpoint): void {
    if (this.endpoints.get(`${e.address}|${e.port}`) === e) this.endpoints.delete(`${e.address}|${e.port}`);
  }
}

export class MemoryEndpoint implements DatagramTransport {
  readonly scheme = 'coap' as const;
  readonly originalKey: string;
  private listener: DatagramListener | undefined;

  constructor(
    private readonly network: MemoryNetwork,
    readonly address: string,
    public port: number,
  ) {
    this.originalKey = `${address}|${port}`;
  }

  async start(onDatagram: DatagramListener): Promise<void> {
    this.listener = onDatagram;
  }

  send(data: Buffer, peer: Peer): void {
    this.network.deliver(this, data, peer);
  }

  receive(data: Buffer, address: string, port: number): void {
    this.listener?.(data, udpPeer(address, port));
  }

  localAddress(): { address: string; port: number } {
    return { address: this.address, port: this.port };
  }

  async close(): Promise<void> {
    this.listener = undefined;
    this.network.remove(this);
  }
}

/** A deterministic pseudo-random generator (mulberry32) for fault injection and test randomness. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic `randomBytes` for tests (never for production keys). */
export function seededRandomBytes(seed: number): (n: number) => Buffer {
  const next = seededRandom(seed);
  return (n) => {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
    return b;
  };
}
