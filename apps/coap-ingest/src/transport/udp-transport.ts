import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { type DatagramTransport, type Peer, peerOf } from './datagram-transport';

export interface UdpTransportOptions {
  readonly host: string;
  readonly port: number;
  /** Kernel receive buffer (bytes): absorbs bursts while the event loop is busy. */
  readonly receiveBufferBytes?: number;
  readonly onError?: (err: Error) => void;
}

/**
 * One UDP socket for everything: the CoAP server and the client side of requests to devices share it, so a
 * request to a device leaves from the address the device talks to (its NAT binding points here).
 * Binding "::" gives a dual-stack socket (IPv4 peers appear as ::ffff:a.b.c.d).
 */
export class UdpTransport implements DatagramTransport {
  readonly scheme = 'coap' as const;
  private socket: Socket | undefined;

  constructor(private readonly options: UdpTransportOptions) {}

  async start(onDatagram: (data: Buffer, peer: Peer) => void): Promise<void> {
    const socket = createSocket({ type: isIPv6(this.options.host) ? 'udp6' : 'udp4', reuseAddr: false });
    this.socket = socket;
    socket.on('message', (data, rinfo) => onDatagram(data, peerOf(rinfo.address, rinfo.port)));
    socket.on('error', (err) => this.options.onError?.(err));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.port, this.options.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    try {
      socket.setRecvBufferSize(this.options.receiveBufferBytes ?? 8 * 1024 * 1024);
    } catch {
      // The kernel caps it at net.core.rmem_max; the default buffer still works.
    }
  }

  send(data: Buffer, peer: Peer): void {
    this.socket?.send(data, peer.port, peer.address);
  }

  localAddress(): { address: string; port: number } {
    const a = this.socket?.address();
    if (!a) throw new Error('transport not started');
    return { address: a.address, port: a.port };
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
