/**
 * Just enough DER (ITU-T X.690) to read the certificate extensions node:crypto's X509Certificate does not expose:
 * keyUsage bits, basicConstraints pathLenConstraint, and which extensions are critical (RFC 5280 §4.2).
 */
interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

function readTlv(buf: Buffer, pos: number, limit: number): Tlv {
  if (pos + 2 > limit) throw new RangeError('DER truncated');
  const tag = buf[pos]!;
  let len = buf[pos + 1]!;
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || start + n > limit) throw new RangeError('DER length');
    len = buf.readUIntBE(start, n);
    start += n;
  }
  if (start + len > limit) throw new RangeError('DER truncated');
  return { tag, start, end: start + len };
}

function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let pos = parent.start; pos < parent.end;) {
    const t = readTlv(buf, pos, parent.end);
    out.push(t);
    pos = t.end;
  }
  return out;
}

export interface CertificateExtension {
  /** Dotted OID. */
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue OCTET STRING contents. */
  readonly value: Buffer;
}

function decodeOid(bytes: Buffer): string {
  const parts: number[] = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let v = 0;
  for (let i = 1; i < bytes.length; i++) {
    v = v * 128 + (bytes[i]! & 0x7f);
    if ((bytes[i]! & 0x80) === 0) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** RFC 5280 §4.1: the extensions of TBSCertificate ([3] EXPLICIT Extensions), empty when absent. */
export function certificateExtensions(der: Buffer): CertificateExtension[] {
  const cert = readTlv(der, 0, der.length);
  const tbs = children(der, cert)[0];
  if (!tbs) throw new RangeError('no TBSCertificate');
  const wrapper = children(der, tbs).find((t) => t.tag === 0xa3);
  if (!wrapper) return [];
  const seq = children(der, wrapper)[0];
  if (!seq) return [];
  return children(der, seq).map((ext) => {
    const [oid, second, third] = children(der, ext);
    if (!oid || !second) throw new RangeError('bad Extension');
    const critical = second.tag === 0x01 ? der[second.start] !== 0 : false;
    const value = second.tag === 0x01 ? third : second;
    if (!value) throw new RangeError('bad Extension');
    return {
      oid: decodeOid(der.subarray(oid.start, oid.end)),
      critical,
      value: der.subarray(value.start, value.end),
    };
  });
}

/** RFC 5280 §4.2.1.3 KeyUsage BIT STRING: bit 0 digitalSignature ... bit 5 keyCertSign. */
export function keyUsageBits(value: Buffer): { digitalSignature: boolean; keyCertSign: boolean } {
  const t = readTlv(value, 0, value.length);
  const first = t.end - t.start > 1 ? value[t.start + 1]! : 0;
  return { digitalSignature: (first & 0x80) !== 0, keyCertSign: (first & 0x04) !== 0 };
}

/** RFC 5280 §4.2.1.9 BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }. */
export function basicConstraints(value: Buffer): { ca: boolean; pathLength?: number } {
  const seq = readTlv(value, 0, value.length);
  let ca = false;
  let pathLength: number | undefined;
  for (const c of children(value, seq)) {
    if (c.tag === 0x01) ca = value[c.start] !== 0;
    if (c.tag === 0x02 && c.end - c.start >= 1 && c.end - c.start <= 4)
      pathLength = value.readUIntBE(c.start, c.end - c.start);
  }
  return pathLength === undefined ? { ca } : { ca, pathLength };
}
