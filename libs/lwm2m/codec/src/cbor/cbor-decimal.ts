import { Lwm2mCodecError } from '@smartcity/lwm2m-core';
import { type CborItem, CborTagged, isCborInteger } from './cbor-item';

/** Tag 4 decimal fraction and tag 5 bigfloat (RFC 8949 §3.4.4); tags 2/3 are unsigned/negative bignums (§3.4.3). */
const DECIMAL_FRACTION = 4;
const BIGFLOAT = 5;
/** Exponents beyond this give 0 or Infinity for any mantissa a device sends: refused, not computed. */
const MAX_EXPONENT = 400;

/**
 * The number a decimal fraction `[e, m]` (m * 10^e) or a bigfloat (m * 2^e) denotes, as the nearest double;
 * undefined when the item is not one of those tags. RFC 8428 §6: SenML CBOR numbers may be any CBOR number,
 * and Leshan 2.0 sends its `bt` as a decimal fraction. Malformed content throws Lwm2mCodecError.
 */
export function cborTaggedNumber(item: CborItem, what: string, record: number): number | undefined {
  if (!(item instanceof CborTagged) || (item.tag !== DECIMAL_FRACTION && item.tag !== BIGFLOAT))
    return undefined;
  const content = item.item;
  if (!Array.isArray(content) || content.length !== 2) {
    throw new Lwm2mCodecError('malformed', `${what}: a decimal fraction is [exponent, mantissa]`, { record });
  }
  const [exponent, mantissa] = content as [CborItem, CborItem];
  if (!isCborInteger(exponent) || Math.abs(Number(exponent)) > MAX_EXPONENT) {
    throw new Lwm2mCodecError('malformed', `${what}: decimal fraction exponent out of range`, { record });
  }
  const m = mantissaOf(mantissa);
  if (m === undefined)
    throw new Lwm2mCodecError('malformed', `${what}: decimal fraction mantissa`, { record });
  const e = Number(exponent);
  // Via the decimal string, so m * 10^e is rounded once (1700000000123456789e-9 -> 1700000000.1234568).
  return item.tag === DECIMAL_FRACTION ? Number(`${m}e${e}`) : Number(m) * 2 ** e;
}

function mantissaOf(item: CborItem): bigint | undefined {
  if (isCborInteger(item)) return BigInt(item);
  if (item instanceof CborTagged && (item.tag === 2 || item.tag === 3) && item.item instanceof Uint8Array) {
    let n = 0n;
    for (const b of item.item) n = (n << 8n) | BigInt(b);
    return item.tag === 2 ? n : -1n - n;
  }
  return undefined;
}
