import { type DatagramListener, type DatagramTransport } from './datagram-transport';
import { type Peer, udpPeer } from './peer';

/** One datagram as the memory network carried it. */
export interface WireRecord {
  readonly from: number;
  readonly to: number;
  readonly datagram: Buffer;
}

/**
 * An in-memory datagram network for tests: transports bound to 127.0.0.1:<port> deliver to each other a
 * microtask later (asynchronously, as a socket would). A test can drop, duplicate or hold datagrams, and reads
 * the wire log.
 */
export class MemoryNetwork {
  private readonly bound = new Map<number, DatagramListener>();
  private nextPort = 40000;
  readonly log: WireRecord[] = [];
  /** Return true to lose a datagram. */
  drop: (record: WireRecord) => boolean = () => false;

  transport(port?: number): MemoryTransport {
    return new MemoryTransport(this, port ?? this.nextPort++);
  }

  /** Delivers a datagram as if `from` had sent it (raw bytes for malformed-input tests). */
  inject(from: number, to: number, datagram: Buffer): void {
    this.carry(from, to, datagram);
  }

  /** @internal */
  bind(port: number, listener: DatagramListener): void {
    if (this.bound.has(port)) throw new Error(`port ${port} in use`);
    this.bound.set(port, listener);
  }

  /** @internal */
  unbind(port: number): void {
    this.bound.delete(port);
  }

  /** @internal */
  carry(from: number, to: number, datagram: Buffer): void {
    const record = { from, to, datagram: Buffer.from(datagram) };
    this.log.push(record);
    if (this.drop(record)) return;
    queueMicrotask(() => this.bound.get(to)?.(record.datagram, udpPeer('127.0.0.1', from)));
  }
}

export class MemoryTransport implements DatagramTransport {
  readonly scheme = 'coap' as const;
  private started = false;

  constructor(
    private readonly network: MemoryNetwork,
    readonly port: number,
  ) {}

  async start(onDatagram: DatagramListener): Promise<void> {
    this.network.bind(this.port, onDatagram);
    this.started = true;
  }

  send(data: Buffer, peer: Peer): void {
    if (this.started) this.network.carry(this.port, peer.port, data);
  }

  localAddress(): { address: string; port: number } {
    return { address: '127.0.0.1', port: this.port };
  }

  async close(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.network.unbind(this.port);
  }
}
