import { prf } from '../crypto/prf';

/** RFC 5246 §8.1: master_secret = PRF(pre_master_secret, "master secret", client_random + server_random)[0..47]. */
export function masterSecret(preMaster: Buffer, clientRandom: Buffer, serverRandom: Buffer): Buffer {
  return prf(preMaster, 'master secret', Buffer.concat([clientRandom, serverRandom]), 48);
}

/**
 * RFC 7627 §4: master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47], where
 * session_hash is the hash of the handshake messages up to and including ClientKeyExchange (§3).
 */
export function extendedMasterSecret(preMaster: Buffer, sessionHash: Buffer): Buffer {
  return prf(preMaster, 'extended master secret', sessionHash, 48);
}

/** RFC 5246 §6.3: key_block = PRF(master_secret, "key expansion", server_random + client_random). */
export function keyBlock(master: Buffer, clientRandom: Buffer, serverRandom: Buffer, length: number): Buffer {
  return prf(master, 'key expansion', Buffer.concat([serverRandom, clientRandom]), length);
}

/** RFC 5246 §7.4.9: verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]. */
export function finishedVerifyData(
  master: Buffer,
  sender: 'client' | 'server',
  transcriptHash: Buffer,
): Buffer {
  return prf(master, `${sender} finished`, transcriptHash, 12);
}

/**
 * RFC 4279 §2: for plain PSK the premaster secret is uint16 N, N zero octets, uint16 N, the N-octet PSK.
 */
export function pskPreMasterSecret(psk: Buffer): Buffer {
  const n = psk.length;
  const out = Buffer.alloc(4 + 2 * n);
  out.writeUInt16BE(n, 0);
  out.writeUInt16BE(n, 2 + n);
  psk.copy(out, 4 + n);
  return out;
}
