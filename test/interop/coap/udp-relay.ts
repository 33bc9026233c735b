import { createSocket, type Socket } from 'node:dgram';
import { type CoapMessage, parseCoapMessage } from '@smartcity/coap';

export interface RelayedDatagram {
  /** 'up': from the peer to the target; 'down': back to the peer. */
  readonly direction: 'up' | 'down';
  readonly message: CoapMessage | undefined;
}

/**
 * A UDP relay in front of a server that is not ours to instrument (the ingest runs its own socket): every peer
 * address gets its own upstream socket, so the server still sees one stable address per peer, and every datagram
 * is recorded parsed. It shows what went on the wire, e.g. that a peer really sent its body in Block1 blocks.
 */
export class UdpRelay {
  readonly datagrams: RelayedDatagram[] = [];
  private readonly front: Socket = createSocket('udp4');
  private readonly upstreams = new Map<string, Socket>();

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<number> {
    this.front.on('message', (data, from) => {
      this.record('up', data);
      this.upstream(from.address, from.port).send(data, this.target.port, this.target.host);
    });
    await new Promise<void>((done) => this.front.bind(0, '127.0.0.1', () => done()));
    return this.front.address().port;
  }

  messages(direction: 'up' | 'down'): CoapMessage[] {
    return this.datagrams
      .filter((d) => d.direction === direction && d.message !== undefined)
      .map((d) => d.message as CoapMessage);
  }

  async close(): Promise<void> {
    const sockets = [this.front, ...this.upstreams.values()];
    await Promise.all(sockets.map((s) => new Promise<void>((done) => s.close(() => done()))));
  }

  private upstream(address: string, port: number): Socket {
    const key = `${address}|${port}`;
    let socket = this.upstreams.get(key);
    if (!socket) {
      socket = createSocket('udp4');
      socket.on('message', (data) => {
        this.record('down', data);
        this.front.send(data, port, address);
      });
      socket.bind(0, '127.0.0.1');
      this.upstreams.set(key, socket);
    }
    return socket;
  }

  private record(direction: 'up' | 'down', data: Buffer): void {
    let message: CoapMessage | undefined;
    try {
      message = parseCoapMessage(data);
    } catch {
      message = undefined;
    }
    this.datagrams.push({ direction, message });
  }
}
