import { createHmac } from 'node:crypto';

/**
 * RFC 5246 §5: P_SHA256(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ...,
 * A(0) = seed, A(i) = HMAC(secret, A(i-1)). All our cipher suites use the TLS 1.2 PRF with SHA-256
 * (RFC 6655 §3, RFC 7251 §2, RFC 5487 §3.1).
 */
export function pSha256(secret: Buffer, seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let produced = 0;
  let a = seed;
  while (produced < length) {
    a = createHmac('sha256', secret).update(a).digest();
    const block = createHmac('sha256', secret).update(a).update(seed).digest();
    out.push(block);
    produced += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** RFC 5246 §5: PRF(secret, label, seed) = P_SHA256(secret, label + seed), the label in ASCII. */
export function prf(secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  return pSha256(secret, Buffer.concat([Buffer.from(label, 'ascii'), seed]), length);
}
