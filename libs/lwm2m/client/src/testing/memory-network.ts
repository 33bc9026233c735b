import { type Peer } from '../coap/coap-types';
import { type DatagramSocket } from '../coap/datagram-socket';

/**
 * An in-memory UDP network for unit tests: sockets bound to 127.0.0.1:<port> deliver datagrams to each other
 * asynchronously (a microtask later, like a real socket), and a test can drop datagrams to exercise retransmission.
 */
export class MemoryNetwork {
  private readonly sockets = new Map<number, (d: Buffer, from: Peer) => void>();
  private nextPort = 40000;
  /** Datagrams seen on the wire, in order. */
  readonly log: Array<{ from: number; to: number; datagram: Buffer }> = [];
  /** Return true to lose a datagram. */
  drop: (from: number, to: number, datagram: Buffer) => boolean = () => false;

  open(port?: number): DatagramSocket {
    const localPort = port ?? this.nextPort++;
    const listeners: Array<(d: Buffer, from: Peer) => void> = [];
    this.sockets.set(localPort, (d, from) => listeners.forEach((l) => l(d, from)));
    let closed = false;
    return {
      localPort,
      send: (datagram, peer) => {
        if (closed) return;
        this.log.push({ from: localPort, to: peer.port, datagram });
        if (this.drop(localPort, peer.port, datagram)) return;
        const target = this.sockets.get(peer.port);
        queueMicrotask(() => target?.(Buffer.from(datagram), { address: '127.0.0.1', port: localPort }));
      },
      onMessage: (listener) => listeners.push(listener),
      close: async () => {
        closed = true;
        this.sockets.delete(localPort);
      },
    };
  }
}
