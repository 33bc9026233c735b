import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/**
 * A NAT in front of one client, on loopback: the client sends to `port`; the relay forwards each datagram to the
 * server from its own "public" socket and the server's answers back to the client. `rebind()` replaces the public
 * socket (a new source port, as when a NAT mapping expires), while the client keeps its socket and its DTLS
 * connection: the case RFC 9146 connection IDs are for (§1: the server must find the connection by CID, not by the
 * changed address).
 */
export class UdpNatRelay {
  private front: Socket | undefined;
  private back: Socket | undefined;
  private client: RemoteInfo | undefined;
  /** Datagrams forwarded client -> server and server -> client. */
  readonly counts = { up: 0, down: 0 };

  constructor(private readonly target: { host: string; port: number }) {}

  /** The port the client is given as its server's port. */
  get port(): number {
    return (this.front?.address() as { port: number } | undefined)?.port ?? 0;
  }

  /** The source port the server currently sees. */
  get publicPort(): number {
    return (this.back?.address() as { port: number } | undefined)?.port ?? 0;
  }

  async start(): Promise<void> {
    const front = createSocket('udp4');
    front.on('message', (data, from) => {
      this.client = from;
      this.counts.up++;
      this.back?.send(data, this.target.port, this.target.host);
    });
    await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
    this.front = front;
    await this.openBack();
  }

  /** A new public socket (new source port); the old one is closed, so late answers to it are lost, as at a NAT. */
  async rebind(): Promise<{ from: number; to: number }> {
    const from = this.publicPort;
    const old = this.back;
    await this.openBack();
    old?.close();
    return { from, to: this.publicPort };
  }

  async close(): Promise<void> {
    for (const s of [this.front, this.back]) await new Promise<void>((r) => (s ? s.close(() => r()) : r()));
    this.front = undefined;
    this.back = undefined;
  }

  private async openBack(): Promise<void> {
    const back = createSocket('udp4');
    back.on('message', (data) => {
      const client = this.client;
      if (!client || this.back !== back) return;
      this.counts.down++;
      this.front?.send(data, client.port, client.address);
    });
    await new Promise<void>((resolve) => back.bind(0, '127.0.0.1', resolve));
    this.back = back;
  }
}
