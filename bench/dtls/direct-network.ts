import { type DatagramListener, type DatagramTransport, type Peer, udpPeer } from '@smartcity/coap';

/**
 * An in-process datagram network for benchmarks: delivery on setImmediate (no timers, no copies), so handshake
 * figures measure the DTLS work, not a socket. `blackhole` drops everything (to freeze state for memory figures).
 */
export class DirectNetwork {
  private readonly endpoints = new Map<string, DirectEndpoint>();
  blackhole = false;

  endpoint(address: string, port: number): DirectEndpoint {
    const e = new DirectEndpoint(this, address, port);
    this.endpoints.set(`${address}|${port}`, e);
    return e;
  }

  deliver(from: DirectEndpoint, data: Buffer, to: Peer): void {
    if (this.blackhole) return;
    setImmediate(() =>
      this.endpoints.get(`${to.address}|${to.port}`)?.receive(data, from.address, from.port),
    );
  }

  remove(e: DirectEndpoint): void {
    this.endpoints.delete(`${e.address}|${e.port}`);
  }
}

export class DirectEndpoint implements DatagramTransport {
  readonly scheme = 'coap' as const;
  private listener: DatagramListener | undefined;

  constructor(
    private readonly network: DirectNetwork,
    readonly address: string,
    readonly port: number,
  ) {}

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
