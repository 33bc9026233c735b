import { createSocket, type Socket } from 'node:dgram';
import { type DatagramListener, type DatagramTransport, type Peer, udpPeer } from '@smartcity/coap';

/**
 * A minimal UDP DatagramTransport for tests, interop and benchmarks of this library (libs/coap will provide the
 * production `UdpTransport`). Binds to `port` (0: any free one) on `address`.
 */
export class TestUdpTransport implements DatagramTransport {
  readonly scheme = 'coap' as const;
  private socket: Socket | undefined;

  constructor(
    private readonly address = '127.0.0.1',
    private readonly port = 0,
  ) {}

  start(onDatagram: DatagramListener): Promise<void> {
    const socket = createSocket(this.address.includes(':') ? 'udp6' : 'udp4');
    this.socket = socket;
    socket.on('message', (msg, rinfo) => onDatagram(msg, udpPeer(rinfo.address, rinfo.port)));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.port, this.address, () => {
        socket.off('error', reject);
        socket.on('error', () => undefined);
        resolve();
      });
    });
  }

  send(data: Buffer, peer: Peer): void {
    this.socket?.send(data, peer.port, peer.address);
  }

  localAddress(): { address: string; port: number } {
    const a = this.socket!.address();
    return { address: a.address, port: a.port };
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    return new Promise((resolve) => (socket ? socket.close(() => resolve()) : resolve()));
  }
}

/** A UDP port free on 127.0.0.1 right now. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}
