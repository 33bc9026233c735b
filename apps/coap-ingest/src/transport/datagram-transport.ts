/** The remote side of a datagram exchange. `key` identifies it in maps ("address|port"). */
export interface Peer {
  readonly address: string;
  readonly port: number;
  readonly key: string;
}

export function peerOf(address: string, port: number): Peer {
  return { address, port, key: `${address}|${port}` };
}

/** "ip:port" (IPv6 in brackets), the form the uplink contract carries. */
export function formatPeer(peer: Peer): string {
  return peer.address.includes(':') ? `[${peer.address}]:${peer.port}` : `${peer.address}:${peer.port}`;
}

/**
 * A datagram transport carrying CoAP messages. Plain UDP today; DTLS (coaps, RFC 7252 §9) plugs in here
 * later as another implementation, and the CoAP message layer and LwM2M logic above it do not change:
 * a DTLS transport hands up decrypted records with the peer (and, later, its authenticated identity).
 */
export interface DatagramTransport {
  readonly scheme: 'coap' | 'coaps';
  start(onDatagram: (data: Buffer, peer: Peer) => void): Promise<void>;
  send(data: Buffer, peer: Peer): void;
  /** The bound local address, known after start. */
  localAddress(): { address: string; port: number };
  close(): Promise<void>;
}
