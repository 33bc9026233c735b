import { createHash, type Hash } from 'node:crypto';
import { encodeWholeMessage } from './handshake-fragment';

/**
 * The handshake transcript (RFC 5246 §7.4.9 handshake_messages; RFC 6347 §4.2.6: DTLS includes the 12-byte
 * headers as if each message were one fragment, and leaves out the initial ClientHello and the
 * HelloVerifyRequest). Kept as bytes too: CertificateVerify signs the messages themselves (§7.4.8).
 */
export class Transcript {
  private hash: Hash = createHash('sha256');
  private readonly messages: Buffer[] = [];

  add(msgType: number, messageSeq: number, body: Buffer): void {
    const whole = encodeWholeMessage(msgType, messageSeq, body);
    this.hash.update(whole);
    this.messages.push(whole);
  }

  /** SHA-256 of everything added so far (the running hash is copied, not finished). */
  digest(): Buffer {
    return this.hash.copy().digest();
  }

  /** All messages so far, concatenated (what CertificateVerify signs). */
  bytes(): Buffer {
    return Buffer.concat(this.messages);
  }

  /** Forgets everything (RFC 6347 §4.2.6: the transcript restarts with the ClientHello that carries the cookie). */
  reset(): void {
    this.hash = createHash('sha256');
    this.messages.length = 0;
  }
}
