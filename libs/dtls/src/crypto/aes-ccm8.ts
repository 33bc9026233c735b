import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import { additionalData, type RecordHeader, type RecordProtection } from '../record/record-protection';

const EXPLICIT_NONCE = 8;
const TAG = 8;

/**
 * AES-128-CCM with an 8-byte tag for TLS_PSK_WITH_AES_128_CCM_8 and TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8.
 * RFC 6655 §3: the 12-byte nonce is the 4-byte implicit salt (client_write_IV / server_write_IV from the key
 * block) followed by the 8-byte nonce_explicit carried at the start of each record; we send epoch + sequence
 * number as nonce_explicit (it MUST be distinct per key, which the never-wrapping sequence number guarantees).
 * RFC 5116 §2: the AAD is the additional_data of RFC 5246 §6.2.3.3 (or RFC 9146 §5 with a CID).
 */
export class AesCcm8Protection implements RecordProtection {
  readonly expansion = EXPLICIT_NONCE + TAG;
  // Imported once: KeyObjects keep the keys out of per-record argument conversion.
  private readonly writeKey: KeyObject;
  private readonly readKey: KeyObject;

  constructor(
    writeKey: Buffer,
    private readonly writeSalt: Buffer,
    readKey: Buffer,
    private readonly readSalt: Buffer,
  ) {
    this.writeKey = createSecretKey(writeKey);
    this.readKey = createSecretKey(readKey);
  }

  sealedLengthRange(plaintextLength: number): readonly [number, number] {
    return [plaintextLength + this.expansion, plaintextLength + this.expansion];
  }

  seal(header: RecordHeader, plaintext: Buffer): Buffer {
    const explicit = Buffer.allocUnsafe(EXPLICIT_NONCE);
    explicit.writeUInt16BE(header.epoch, 0);
    explicit.writeUIntBE(header.sequence, 2, 6);
    const nonce = Buffer.concat([this.writeSalt, explicit]);
    const cipher = createCipheriv('aes-128-ccm', this.writeKey, nonce, { authTagLength: TAG });
    cipher.setAAD(additionalData(header, plaintext.length), { plaintextLength: plaintext.length });
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([explicit, body, cipher.getAuthTag()]);
  }

  open(header: RecordHeader, fragment: Buffer): Buffer | undefined {
    if (fragment.length < EXPLICIT_NONCE + TAG) return undefined;
    const nonce = Buffer.concat([this.readSalt, fragment.subarray(0, EXPLICIT_NONCE)]);
    const body = fragment.subarray(EXPLICIT_NONCE, fragment.length - TAG);
    try {
      const decipher = createDecipheriv('aes-128-ccm', this.readKey, nonce, { authTagLength: TAG });
      decipher.setAuthTag(fragment.subarray(fragment.length - TAG));
      decipher.setAAD(additionalData(header, body.length), { plaintextLength: body.length });
      const plaintext = decipher.update(body);
      decipher.final();
      return plaintext;
    } catch {
      // OpenSSL reports a tag mismatch by throwing; the record is simply not authentic.
      return undefined;
    }
  }
}
