/**
 * Who a datagram came from, as the transport established it. Plain UDP knows only an address; a secure
 * transport (DTLS, RFC 6347) also knows the credential the peer proved during its handshake.
 */
export type PeerIdentity =
  /** RFC 4279: the PSK identity the peer used (UTF-8, as sent in ClientKeyExchange). */
  | { readonly kind: 'psk'; readonly identity: string }
  /** RFC 7250: the peer's raw public key, DER SubjectPublicKeyInfo. */
  | { readonly kind: 'rpk'; readonly publicKey: Buffer }
  /** RFC 5280: the peer's certificate chain, DER, leaf first, already verified against the trust anchors. */
  | {
      readonly kind: 'x509';
      readonly chain: readonly Buffer[];
      /** Subject common name of the leaf, when present. */
      readonly commonName?: string;
      /** DNS / URI subject alternative names of the leaf. */
      readonly subjectAltNames: readonly string[];
    };

export interface Peer {
  /** The peer's current transport address (with DTLS Connection IDs, RFC 9146, it may change mid-session). */
  readonly address: string;
  readonly port: number;
  /**
   * Identifies the association in maps: "address|port" for plain UDP; for DTLS the session, which outlives an
   * address change. Two datagrams with the same key come from the same security context.
   */
  readonly key: string;
  /** Set only by a secure transport: what the peer authenticated as. */
  readonly identity?: PeerIdentity;
}

export function udpPeer(address: string, port: number): Peer {
  return { address, port, key: `${address}|${port}` };
}

/** "ip:port" (IPv6 in brackets), the form logs and the uplink contract carry. */
export function formatPeer(peer: Pick<Peer, 'address' | 'port'>): string {
  return peer.address.includes(':') ? `[${peer.address}]:${peer.port}` : `${peer.address}:${peer.port}`;
}
