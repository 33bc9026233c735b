import { createECDH, type ECDH } from 'node:crypto';
import { DtlsError } from '../errors';
import { AlertDescription } from '../protocol/constants';

/**
 * An ephemeral secp256r1 key pair for ECDHE (RFC 8422 §5.4, §5.10). Points are uncompressed (RFC 8422 §5.1.2:
 * compressed points are deprecated). The premaster secret is the x-coordinate of the shared point, 32 bytes.
 */
export class EphemeralEcdh {
  private readonly ecdh: ECDH = createECDH('prime256v1');
  readonly publicPoint: Buffer;

  constructor() {
    this.publicPoint = this.ecdh.generateKeys();
  }

  /** Throws illegal_parameter for a point that is not uncompressed or not on the curve (RFC 8422 §5.10). */
  sharedSecret(peerPoint: Buffer): Buffer {
    if (peerPoint.length !== 65 || peerPoint[0] !== 0x04) {
      throw new DtlsError(
        AlertDescription.illegal_parameter,
        'ECDH point is not an uncompressed P-256 point',
      );
    }
    try {
      return this.ecdh.computeSecret(peerPoint);
    } catch {
      throw new DtlsError(AlertDescription.illegal_parameter, 'ECDH point is not on the curve');
    }
  }
}
