import { ByteReader } from '../../codec/byte-reader';
import { u16, vector16, vector8 } from '../../codec/byte-writer';
import { DtlsError, decodeError } from '../../errors';
import { AlertDescription, EC_CURVE_TYPE_NAMED, NamedGroup } from '../../protocol/constants';
import { type DigitallySigned, encodeDigitallySigned, parseDigitallySigned } from './certificate';

/** RFC 4279 §2: ServerKeyExchange for PSK carries only `opaque psk_identity_hint<0..2^16-1>`. */
export function parsePskServerKeyExchange(body: Buffer): Buffer {
  const r = new ByteReader(body, 'ServerKeyExchange');
  const hint = r.vector16();
  r.end();
  return hint;
}

export function encodePskServerKeyExchange(hint: Buffer): Buffer {
  return vector16(hint);
}

/**
 * RFC 8422 §5.4 ServerKeyExchange for ECDHE_ECDSA: ServerECDHParams (curve_type named_curve, NamedCurve,
 * ECPoint<1..2^8-1>) then the digitally-signed hash of client_random + server_random + params.
 */
export interface EcdheServerKeyExchange {
  /** The encoded ServerECDHParams, exactly the signed bytes after the randoms. */
  readonly params: Buffer;
  readonly namedGroup: number;
  readonly point: Buffer;
  readonly signed: DigitallySigned;
}

export function encodeEcdheParams(point: Buffer): Buffer {
  return Buffer.concat([Buffer.from([EC_CURVE_TYPE_NAMED]), u16(NamedGroup.secp256r1), vector8(point)]);
}

export function parseEcdheServerKeyExchange(body: Buffer): EcdheServerKeyExchange {
  const r = new ByteReader(body, 'ServerKeyExchange');
  const curveType = r.u8();
  if (curveType !== EC_CURVE_TYPE_NAMED) {
    throw new DtlsError(AlertDescription.illegal_parameter, 'only named curves are accepted');
  }
  const namedGroup = r.u16();
  const point = r.vector8(1);
  const params = body.subarray(0, r.offset);
  const signed = parseDigitallySigned(r);
  r.end();
  return { params, namedGroup, point, signed };
}

export function encodeEcdheServerKeyExchange(params: Buffer, signed: DigitallySigned): Buffer {
  return Buffer.concat([params, encodeDigitallySigned(signed)]);
}

/** RFC 4279 §2: ClientKeyExchange for PSK, `opaque psk_identity<0..2^16-1>` (UTF-8, RFC 4279 §5.1). */
export function parsePskClientKeyExchange(body: Buffer, maxIdentityBytes: number): Buffer {
  const r = new ByteReader(body, 'ClientKeyExchange');
  const identity = r.vector16();
  r.end();
  if (identity.length === 0 || identity.length > maxIdentityBytes) {
    throw decodeError(`psk_identity of ${identity.length} bytes`);
  }
  return identity;
}

export function encodePskClientKeyExchange(identity: Buffer): Buffer {
  return vector16(identity);
}

/** RFC 8422 §5.7: ClientECDiffieHellmanPublic, `opaque point<1..2^8-1>`. */
export function parseEcdheClientKeyExchange(body: Buffer): Buffer {
  const r = new ByteReader(body, 'ClientKeyExchange');
  const point = r.vector8(1);
  r.end();
  return point;
}

export function encodeEcdheClientKeyExchange(point: Buffer): Buffer {
  return vector8(point);
}

/** RFC 5246 §7.4.9 Finished: verify_data[12] for every suite here. */
export function parseFinished(body: Buffer): Buffer {
  if (body.length !== 12) throw decodeError(`Finished of ${body.length} bytes`);
  return body;
}

/** RFC 5246 §7.4.5 ServerHelloDone and §7.4.1.1 HelloRequest are empty. */
export function parseEmpty(body: Buffer, what: string): void {
  if (body.length !== 0) throw decodeError(`${what} is not empty`);
}
