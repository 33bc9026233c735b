import { ByteReader, readU16List } from '../codec/byte-reader';
import { u16, u16List, u8, vector16, vector8 } from '../codec/byte-writer';
import { DtlsError, decodeError } from '../errors';
import { AlertDescription, ExtensionType } from '../protocol/constants';

export interface Extension {
  readonly type: number;
  readonly data: Buffer;
}

/**
 * RFC 5246 §7.4.1.4: extensions<0..2^16-1>, each `ExtensionType extension_type; opaque extension_data<0..2^16-1>`.
 * "There MUST NOT be more than one extension of the same type" (illegal_parameter, as RFC 8446 §4.2 names it).
 */
export function parseExtensions(block: Buffer): Extension[] {
  const r = new ByteReader(block, 'extensions');
  const out: Extension[] = [];
  const seen = new Set<number>();
  while (r.remaining > 0) {
    const type = r.u16();
    const data = r.vector16();
    if (seen.has(type))
      throw new DtlsError(AlertDescription.illegal_parameter, `duplicate extension ${type}`);
    seen.add(type);
    out.push({ type, data });
  }
  return out;
}

/** Encodes the extensions block with its length; an empty list is omitted entirely (RFC 5246 §7.4.1.2). */
export function encodeExtensions(extensions: readonly Extension[]): Buffer {
  if (extensions.length === 0) return Buffer.alloc(0);
  return vector16(Buffer.concat(extensions.map((e) => Buffer.concat([u16(e.type), vector16(e.data)]))));
}

export function findExtension(extensions: readonly Extension[], type: number): Extension | undefined {
  return extensions.find((e) => e.type === type);
}

/** RFC 8422 §5.1.1 NamedCurveList / RFC 5246 §7.4.1.4.1 supported_signature_algorithms: a u16 list. */
export function parseU16ListExtension(data: Buffer, what: string): number[] {
  const r = new ByteReader(data, what);
  const list = readU16List(r.vector16(2, 65534), what);
  r.end();
  return list;
}

export function u16ListExtension(type: number, values: readonly number[]): Extension {
  return { type, data: vector16(u16List(values)) };
}

/** RFC 8422 §5.1.2 ECPointFormatList, RFC 7250 §4.1 client/server_certificate_types (ClientHello): u8 list. */
export function parseU8ListExtension(data: Buffer, what: string): number[] {
  const r = new ByteReader(data, what);
  const list = [...r.vector8(1, 255)];
  r.end();
  return list;
}

export function u8ListExtension(type: number, values: readonly number[]): Extension {
  return { type, data: vector8(Buffer.from(values)) };
}

/** RFC 7250 §4.2: in ServerHello the certificate type extensions carry one CertificateType. */
export function parseSingleU8(data: Buffer, what: string): number {
  if (data.length !== 1) throw decodeError(`${what}: expected one byte`);
  return data[0]!;
}

export function singleU8Extension(type: number, value: number): Extension {
  return { type, data: u8(value) };
}

/** RFC 9146 §3: `opaque cid<0..2^8-1>` (an empty cid: "send me records without a CID"). */
export function parseConnectionId(data: Buffer): Buffer {
  const r = new ByteReader(data, 'connection_id');
  const cid = r.vector8();
  r.end();
  return Buffer.from(cid);
}

export function connectionIdExtension(cid: Buffer): Extension {
  return { type: ExtensionType.connectionId, data: vector8(cid) };
}

/** RFC 5746 §3.2: `opaque renegotiated_connection<0..255>`; empty on an initial handshake. */
export function parseRenegotiationInfo(data: Buffer): Buffer {
  const r = new ByteReader(data, 'renegotiation_info');
  const v = r.vector8();
  r.end();
  return v;
}

export const EMPTY_RENEGOTIATION_INFO: Extension = {
  type: ExtensionType.renegotiationInfo,
  data: Buffer.from([0]),
};

export const EXTENDED_MASTER_SECRET: Extension = {
  type: ExtensionType.extendedMasterSecret,
  data: Buffer.alloc(0),
};
