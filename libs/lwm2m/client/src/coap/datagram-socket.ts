import { createSocket, type Socket } from 'node:dgram';
import { type Peer } from './coap-types';

/**
 * The one piece of I/O the client needs: a UDP socket bound to its own source port. Kept behind this interface so
 * the CoAP and LwM2M logic is unit-tested with an in-memory pair of sockets and run over real UDP elsewhere.
 */
export interface DatagramSocket {
  send(datagram: Buffer, peer: Peer): void;
  onMessage(listener: (datagram: Buffer, from: Peer) => void): void;
  /** The bound local port (each simulated device has its own, as a NATed device would). */
  readonly localPort: number;
  close(): Promise<void>;
}

export interface UdpSocketOptions {
  readonly host?: string;
  readonly port?: number;
  /** Socket buffer sizes; raised for load runs where bursts exceed the OS default. */
  readonly recvBufferSize?: number;
  readonly sendBufferSize?: number;
}

/** A real `node:dgram` socket (udp4, or udp6 when the host is an IPv6 literal). */
export async function openUdpSocket(options: UdpSocketOptions = {}): Promise<DatagramSocket> {
  const host = options.host ?? '127.0.0.1';
  const socket: Socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 0, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  if (options.recvBufferSize) socket.setRecvBufferSize(options.recvBufferSize);
  if (options.sendBufferSize) socket.setSendBufferSize(options.sendBufferSize);
  const listeners: Array<(d: Buffer, from: Peer) => void> = [];
  socket.on('message', (msg, rinfo) => {
    for (const l of listeners) l(msg, { address: rinfo.address, port: rinfo.port });
  });
  // A send failure (ICMP unreachable surfaced as an error, buffer full) must not crash a simulator of thousands of
  // devices: CoAP retransmission covers the loss.
  socket.on('error', () => undefined);
  let closed = false;
  return {
    localPort: socket.address().port,
    send(datagram, peer) {
      if (closed) return;
      socket.send(datagram, peer.port, peer.address);
    },
    onMessage(listener) {
      listeners.push(listener);
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
