import { type Peer } from './peer';

export type DatagramListener = (data: Buffer, peer: Peer) => void;

/**
 * A datagram transport carrying CoAP messages (RFC 7252 §4: CoAP's message layer sits on an unreliable
 * datagram service). Plain UDP (`coap`), DTLS (`coaps`, RFC 7252 §9) and an in-memory network for tests all
 * implement it; the message layer and the LwM2M logic above never know which one they run on. A secure
 * transport hands up only decrypted, authenticated application data, with the peer's identity.
 */
export interface DatagramTransport {
  readonly scheme: 'coap' | 'coaps';
  start(onDatagram: DatagramListener): Promise<void>;
  /**
   * Sends one datagram to a peer. For a secure transport the peer is an established session (its `key`), or
   * for a client an address it opens a session to first; data sent before the handshake completes is queued.
   */
  send(data: Buffer, peer: Peer): void;
  /** The bound local address, known after start. */
  localAddress(): { address: string; port: number };
  close(): Promise<void>;
}
