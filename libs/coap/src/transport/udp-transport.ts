import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { type DatagramListener, type DatagramTransport } from './datagram-transport';
import { type Peer, udpPeer } from './peer';

export interface UdpTransportOptions {
  /** Bind address; "::" gives a dual-stack socket (IPv4 peers appear as ::ffff:a.b.c.d). Default 127.0.0.1. */
  readonly host?: string;
  /** 0 = any free port (a client, like a device behind NAT). */
  readonly port?: number;
  /** Kernel buffers (bytes): absorb bursts while the event loop is busy. Capped by net.core.[rw]mem_max. */
  readonly receiveBufferBytes?: number;
  readonly sendBufferBytes?: number;
  /**
   * Socket errors (an ICMP unreachable surfaced on send, a full buffer). They never throw: CoAP
   * retransmission covers the loss.
   */
  readonly onError?: (err: Error) => void;
}

/**
 * Plain CoAP over UDP (RFC 7252 §6.1, scheme `coap`): one socket for everything, so the server side and the
 * requests it sends to devices share the address the devices talk to (their NAT binding points here).
 */
export class UdpTransport implements DatagramTransport {
  readonly scheme = 'coap' as const;
  private socket: Socket | undefined;

  constructor(private readonly options: UdpTransportOptions = {}) {}

  async start(onDatagram: DatagramListener): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', reuseAddr: false });
    this.socket = socket;
    socket.on('message', (data, rinfo) => onDatagram(data, udpPeer(rinfo.address, rinfo.port)));
    socket.on('error', (err) => this.options.onError?.(err));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.port ?? 0, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    setBuffer(() => socket.setRecvBufferSize(this.options.receiveBufferBytes ?? 8 * 1024 * 1024));
    if (this.options.sendBufferBytes)
      setBuffer(() => socket.setSendBufferSize(this.options.sendBufferBytes!));
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

function setBuffer(apply: () => void): void {
  try {
    apply();
  } catch {
    // The kernel caps it at net.core.rmem_max / wmem_max; the default buffer still works.
  }
}
