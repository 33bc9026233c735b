/**
 * The datagrams of the lean load generator, built once with the project's codecs and patched in place per
 * message: a Send is the same CoAP message for every device but for its message id, token, values and time, so a
 * template is encoded once (`@smartcity/coap` + SenML CBOR of `@smartcity/lwm2m-codec`) and each datagram is a
 * copy of it with those fields overwritten at known offsets. Pure: no sockets, no clock.
 */
import {
  CoapCode,
  CoapOption,
  CoapType,
  serializeCoapMessage,
  stringOptions,
  uintOption,
} from '@smartcity/coap';
import { ContentFormat, encode } from '@smartcity/lwm2m-codec';
import {
  EMPTY_MODEL_PROVIDER,
  Lwm2mPath,
  type Lwm2mRecord,
  serializeLinkFormat,
  serializeRegistrationParams,
} from '@smartcity/lwm2m-core';

/** An air-quality station (uCIFI 3428 v2.0, no alarm rules): PM10, PM2.5, NO2, O3, CO2, all Float. */
export const AIR_QUALITY_VERSION = '2.0';
export const REPORT_PATHS = ['/3428/0/1', '/3428/0/3', '/3428/0/15', '/3428/0/12', '/3428/0/17'] as const;
const BASES = [20, 12, 0.02, 0.03, 420] as const;
/** Values step by 1/1024 per message: exact in binary, so a stored value gives back its sequence number. */
const STEP = 1 / 1024;

/** The value of report path `k` in message `seq` of a device: unique per (device, path), so rows can be audited. */
export function reportValue(k: number, seq: number): number {
  return BASES[k]! + seq * STEP;
}

/** The sequence number a stored value of report path `k` stands for (the inverse of reportValue). */
export function seqOfValue(k: number, value: number): number {
  return Math.round((value - BASES[k]!) / STEP);
}

/** The endpoint name of device `index` of a lean fleet. */
export function endpointName(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(5, '0')}`;
}

/** Tokens are 8 bytes: the device index and the device's exchange number, both uint32 (RFC 7252 §5.3.1). */
export const TOKEN_LENGTH = 8;

export function writeToken(datagram: Buffer, device: number, exchange: number): void {
  datagram.writeUInt32BE(device, 4);
  datagram.writeUInt32BE(exchange >>> 0, 8);
}

/** The device index in a response's token, or -1 when the token is not one of ours (wrong length). */
export function tokenDevice(datagram: Buffer): number {
  if (datagram.length < 4 + TOKEN_LENGTH || (datagram[0]! & 0x0f) !== TOKEN_LENGTH) return -1;
  return datagram.readUInt32BE(4);
}

/** The exchange number in a response's token (call after tokenDevice returned a device). */
export function tokenExchange(datagram: Buffer): number {
  return datagram.readUInt32BE(8);
}

export interface SendTemplate {
  readonly bytes: Buffer;
  /** Offsets of the float64 value of each report path (after the 0xfb of its CBOR head). */
  readonly valueOffsets: readonly number[];
  /** Offsets of the float64 time of each record. */
  readonly timeOffsets: readonly number[];
}

// Sentinels that need a float64 (the codec writes the shortest exact float, RFC 8949 §4.2.2), located after encoding.
const VALUE_SENTINELS = [1.1, 2.1, 3.1, 4.1, 5.1];
const TIME_SENTINEL = 1764769630.123;

/** CON POST /dp (LwM2M Core 1.1.1 §6.4.6, Send) with a SenML CBOR pack of the report paths, time on each record. */
export function buildSendTemplate(): SendTemplate {
  const records = REPORT_PATHS.map((p, k): Lwm2mRecord => ({
    path: Lwm2mPath.parse(p),
    type: 'float',
    value: VALUE_SENTINELS[k]!,
    time: TIME_SENTINEL,
  }));
  const payload = encode(records, ContentFormat.SENML_CBOR, {
    path: Lwm2mPath.ROOT,
    models: EMPTY_MODEL_PROVIDER,
  });
  const bytes = serializeCoapMessage({
    type: CoapType.Confirmable,
    code: CoapCode.POST,
    messageId: 0,
    token: Buffer.alloc(TOKEN_LENGTH),
    options: [
      ...stringOptions(CoapOption.UriPath, ['dp']),
      uintOption(CoapOption.ContentFormat, ContentFormat.SENML_CBOR),
    ],
    payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
  });
  const valueOffsets = VALUE_SENTINELS.map((v) => {
    const at = float64Offsets(bytes, v);
    if (at.length !== 1) throw new Error(`Send template: value ${v} found ${at.length} times`);
    return at[0]!;
  });
  const timeOffsets = float64Offsets(bytes, TIME_SENTINEL);
  if (timeOffsets.length !== REPORT_PATHS.length)
    throw new Error(`Send template: ${timeOffsets.length} record times, expected ${REPORT_PATHS.length}`);
  return { bytes, valueOffsets, timeOffsets };
}

/** One Send datagram: the template with this message's id, token, values (of `seq`) and time (seconds). */
export function writeSend(
  t: SendTemplate,
  messageId: number,
  device: number,
  exchange: number,
  seq: number,
  timeS: number,
): Buffer {
  const out = Buffer.allocUnsafe(t.bytes.length);
  t.bytes.copy(out);
  out.writeUInt16BE(messageId, 2);
  writeToken(out, device, exchange);
  for (let k = 0; k < t.valueOffsets.length; k++) out.writeDoubleBE(reportValue(k, seq), t.valueOffsets[k]!);
  for (const at of t.timeOffsets) out.writeDoubleBE(timeS, at);
  return out;
}

/** Register (Core 1.1.1 §6.2.1): CON POST /rd?ep=..&lt=..&lwm2m=1.1 with the object links in link format. */
export function buildRegister(
  endpoint: string,
  lifetime: number,
  messageId: number,
  device: number,
  exchange: number,
): Buffer {
  const links = serializeLinkFormat([
    {
      uri: '/',
      attributes: [
        { name: 'rt', value: 'oma.lwm2m', quoted: true },
        { name: 'ct', value: String(ContentFormat.SENML_CBOR) },
      ],
    },
    { uri: '/1/0', attributes: [] },
    { uri: '/3/0', attributes: [] },
    { uri: '/3428', attributes: [{ name: 'ver', value: AIR_QUALITY_VERSION }] },
    { uri: '/3428/0', attributes: [] },
  ]);
  const query = serializeRegistrationParams({
    endpoint,
    lifetime,
    lwm2mVersion: '1.1',
    binding: 'U',
    queueMode: false,
  });
  return request(CoapCode.POST, ['rd'], messageId, device, exchange, query, Buffer.from(links, 'utf8'));
}

/** De-register (Core 1.1.1 §6.2.3): CON DELETE /rd/{location}. */
export function buildDeregister(
  location: readonly string[],
  messageId: number,
  device: number,
  exchange: number,
): Buffer {
  return request(CoapCode.DELETE, location, messageId, device, exchange);
}

function request(
  code: number,
  path: readonly string[],
  messageId: number,
  device: number,
  exchange: number,
  query: readonly string[] = [],
  payload: Buffer = Buffer.alloc(0),
): Buffer {
  const out = serializeCoapMessage({
    type: CoapType.Confirmable,
    code,
    messageId,
    token: Buffer.alloc(TOKEN_LENGTH),
    options: [
      ...stringOptions(CoapOption.UriPath, path),
      ...(payload.length ? [uintOption(CoapOption.ContentFormat, ContentFormat.LINK)] : []),
      ...stringOptions(CoapOption.UriQuery, query),
    ],
    payload,
  });
  writeToken(out, device, exchange);
  return out;
}

function float64Offsets(bytes: Buffer, value: number): number[] {
  const needle = Buffer.alloc(9);
  needle[0] = 0xfb;
  needle.writeDoubleBE(value, 1);
  const out: number[] = [];
  for (let i = bytes.indexOf(needle); i >= 0; i = bytes.indexOf(needle, i + 1)) out.push(i + 1);
  return out;
}
