import { pbkdf2Sync } from 'node:crypto';

/**
 * Pure codec for Kafka's AlterUserScramCredentials (API key 51, KIP-554) and the ApiVersions v0 probe, plus the
 * SCRAM salted password. No I/O: scram-connection.ts frames and sends what this file encodes.
 *
 * Schemas (Kafka protocol guide, clients/src/main/resources/common/message/AlterUserScramCredentials*.json):
 *
 *   AlterUserScramCredentials Request (Version: 0, flexible) => [deletions] [upsertions] TAG_BUFFER
 *     deletions  => name:COMPACT_STRING mechanism:INT8 TAG_BUFFER
 *     upsertions => name:COMPACT_STRING mechanism:INT8 iterations:INT32 salt:COMPACT_BYTES
 *                   salted_password:COMPACT_BYTES TAG_BUFFER
 *   AlterUserScramCredentials Response (Version: 0, flexible) => throttle_time_ms:INT32 [results] TAG_BUFFER
 *     results => user:COMPACT_STRING error_code:INT16 error_message:COMPACT_NULLABLE_STRING TAG_BUFFER
 *
 * A flexible request uses request header v2 (api_key INT16, api_version INT16, correlation_id INT32, client_id
 * NULLABLE_STRING with an INT16 length, TAG_BUFFER) and its response header v1 (correlation_id INT32, TAG_BUFFER)
 * (KIP-482). Compact strings/bytes/arrays carry their length + 1 as an unsigned varint, 0 meaning null; a tagged
 * field buffer is an unsigned varint count followed by (tag, size, bytes) triples.
 */

export const ALTER_USER_SCRAM_CREDENTIALS_API_KEY = 51;
export const API_VERSIONS_API_KEY = 18;
export const SASL_HANDSHAKE_API_KEY = 17;
export const SASL_AUTHENTICATE_API_KEY = 36;

/** Mechanism ids of the protocol (ScramMechanism in the Kafka clients: 0 is UNKNOWN). */
export enum ScramMechanism {
  ScramSha256 = 1,
  ScramSha512 = 2,
}

const MECHANISM_HASH: Record<ScramMechanism, { hash: 'sha256' | 'sha512'; length: number }> = {
  [ScramMechanism.ScramSha256]: { hash: 'sha256', length: 32 },
  [ScramMechanism.ScramSha512]: { hash: 'sha512', length: 64 },
};

/**
 * Kafka's ScramMechanism minimum is 4096 iterations for both SHA-256 and SHA-512 (RFC 7677 §4 asks for at
 * least 4096); the broker refuses more than 16384 with UNACCEPTABLE_CREDENTIAL.
 */
export const SCRAM_MIN_ITERATIONS = 4096;
export const SCRAM_MAX_ITERATIONS = 16384;

/**
 * SaltedPassword := Hi(Normalize(password), salt, i) (RFC 5802 §3), where Hi is PBKDF2 (RFC 8018 §5.2) with
 * HMAC-H as the PRF and the hash's output length (RFC 5802 §2.2; H = SHA-512 for SCRAM-SHA-512, RFC 7677 uses
 * the same construction with SHA-256). Normalize is SASLprep; Kafka's broker (ScramFormatter) uses the UTF-8
 * bytes without SASLprep, so we do the same: the generated secrets are ASCII anyway.
 */
export function scramSaltedPassword(
  password: string,
  salt: Buffer,
  iterations: number,
  mechanism: ScramMechanism,
): Buffer {
  const { hash, length } = MECHANISM_HASH[mechanism];
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, length, hash);
}

export interface ScramCredentialUpsertion {
  readonly user: string;
  readonly mechanism: ScramMechanism;
  readonly iterations: number;
  readonly salt: Buffer;
  readonly saltedPassword: Buffer;
}

export interface ScramCredentialDeletion {
  readonly user: string;
  readonly mechanism: ScramMechanism;
}

export interface AlterUserScramCredentialsResult {
  readonly user: string;
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

export interface AlterUserScramCredentialsResponse {
  readonly throttleTimeMs: number;
  readonly results: readonly AlterUserScramCredentialsResult[];
}

export class ScramCodecError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'ScramCodecError';
  }
}

/** Big-endian writer with the protocol's primitive types (Kafka protocol guide, "Protocol Primitive Types"). */
class Writer {
  private readonly parts: Buffer[] = [];

  int8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.push(b);
  }
  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.push(b);
  }
  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.push(b);
  }
  /** UNSIGNED_VARINT: 7 bits per byte, least significant group first, high bit = more bytes follow. */
  uvarint(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`uvarint out of range: ${v}`);
    const bytes: number[] = [];
    let n = v;
    while (n >= 0x80) {
      bytes.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    bytes.push(n);
    return this.push(Buffer.from(bytes));
  }
  /** NULLABLE_STRING (INT16 length, -1 = null): only the header's client_id uses it in a flexible request. */
  nullableString(v: string | null): this {
    if (v === null) return this.int16(-1);
    const b = Buffer.from(v, 'utf8');
    if (b.length > 0x7fff) throw new RangeError('string longer than 32767 bytes');
    return this.int16(b.length).push(b);
  }
  /** BYTES: INT32 length then the bytes (non-flexible versions). */
  int32Bytes(v: Buffer): this {
    return this.int32(v.length).push(v);
  }
  compactString(v: string): this {
    return this.compactBytes(Buffer.from(v, 'utf8'));
  }
  compactBytes(v: Buffer): this {
    return this.uvarint(v.length + 1).push(v);
  }
  compactArray<T>(items: readonly T[], each: (w: this, item: T) => void): this {
    this.uvarint(items.length + 1);
    for (const item of items) each(this, item);
    return this;
  }
  /** An empty tagged field buffer: we send no tagged fields. */
  noTags(): this {
    return this.uvarint(0);
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
  private push(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
}

/** Bounds-checked reader; every failure names its offset. */
class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  get offset(): number {
    return this.pos;
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  uvarint(): number {
    let result = 0;
    for (let i = 0; i < 5; i++) {
      this.need(1);
      const byte = this.buf[this.pos++] as number;
      result += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) return result;
    }
    throw new ScramCodecError('unsigned varint longer than 5 bytes', this.pos);
  }
  /** NULLABLE_STRING / STRING: INT16 length (-1 = null). */
  nullableString(): string | null {
    const n = this.int16();
    if (n === -1) return null;
    if (n < 0) throw new ScramCodecError(`negative string length ${n}`, this.pos - 2);
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  /** BYTES: INT32 length (non-flexible), bounded by what is left. */
  int32Bytes(): Buffer {
    const at = this.pos;
    const n = this.int32();
    if (n < 0) throw new ScramCodecError(`negative bytes length ${n}`, at);
    this.need(n);
    const b = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return b;
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  compactNullableString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    this.need(n - 1);
    const s = this.buf.toString('utf8', this.pos, this.pos + n - 1);
    this.pos += n - 1;
    return s;
  }
  compactString(): string {
    const at = this.pos;
    const s = this.compactNullableString();
    if (s === null) throw new ScramCodecError('null where a COMPACT_STRING is required', at);
    return s;
  }
  compactArrayLength(maxItems: number): number {
    const at = this.pos;
    const n = this.uvarint();
    if (n === 0) throw new ScramCodecError('null array', at);
    if (n - 1 > maxItems) throw new ScramCodecError(`array of ${n - 1} items (limit ${maxItems})`, at);
    return n - 1;
  }
  /** Skips a tagged field buffer (KIP-482): unknown tags must be ignored. */
  skipTags(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint(); // tag
      const size = this.uvarint();
      this.need(size);
      this.pos += size;
    }
  }
  end(): void {
    if (this.pos !== this.buf.length)
      throw new ScramCodecError(`${this.buf.length - this.pos} trailing bytes`, this.pos);
  }
  private need(n: number): void {
    if (this.pos + n > this.buf.length)
      throw new ScramCodecError(`truncated: ${n} more bytes needed`, this.pos);
  }
}

/** Request header v2 (flexible requests) or v1 (ApiVersions v0 needs v1: it is not flexible). */
function header(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  clientId: string,
  flexible: boolean,
): Writer {
  const w = new Writer().int16(apiKey).int16(apiVersion).int32(correlationId).nullableString(clientId);
  return flexible ? w.noTags() : w;
}

/** Prefixes a request (header + body) with its INT32 size (Kafka protocol guide, "Common Request and Response Structure"). */
function frame(parts: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(parts.length);
  return Buffer.concat([size, parts]);
}

export function encodeAlterUserScramCredentialsRequest(
  correlationId: number,
  clientId: string,
  change: {
    readonly deletions: readonly ScramCredentialDeletion[];
    readonly upsertions: readonly ScramCredentialUpsertion[];
  },
): Buffer {
  const w = header(ALTER_USER_SCRAM_CREDENTIALS_API_KEY, 0, correlationId, clientId, true);
  w.compactArray(change.deletions, (x, d) => x.compactString(d.user).int8(d.mechanism).noTags());
  w.compactArray(change.upsertions, (x, u) =>
    x
      .compactString(u.user)
      .int8(u.mechanism)
      .int32(u.iterations)
      .compactBytes(u.salt)
      .compactBytes(u.saltedPassword)
      .noTags(),
  );
  w.noTags();
  return frame(w.bytes());
}

/** Decodes a response frame without its INT32 size: response header v1, then the body. */
export function decodeAlterUserScramCredentialsResponse(payload: Buffer): {
  correlationId: number;
  response: AlterUserScramCredentialsResponse;
} {
  const r = new Reader(payload);
  const correlationId = r.int32();
  r.skipTags();
  const throttleTimeMs = r.int32();
  const n = r.compactArrayLength(10_000);
  const results: AlterUserScramCredentialsResult[] = [];
  for (let i = 0; i < n; i++) {
    const user = r.compactString();
    const errorCode = r.int16();
    const errorMessage = r.compactNullableString();
    r.skipTags();
    results.push({ user, errorCode, errorMessage });
  }
  r.skipTags();
  r.end();
  return { correlationId, response: { throttleTimeMs, results } };
}

/** ApiVersions v0 (api key 18): an empty body, request header v1. */
export function encodeApiVersionsRequest(correlationId: number, clientId: string): Buffer {
  return frame(header(API_VERSIONS_API_KEY, 0, correlationId, clientId, false).bytes());
}

export interface ApiVersionRange {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
}

/**
 * ApiVersions Response (Version: 0) => error_code:INT16 [api_keys] ; api_keys => api_key:INT16 min_version:INT16
 * max_version:INT16 (classic INT32-counted array), after response header v0 (correlation_id only: ApiVersions
 * responses never carry header tagged fields, KIP-511).
 */
export function decodeApiVersionsResponse(payload: Buffer): {
  correlationId: number;
  errorCode: number;
  apis: readonly ApiVersionRange[];
} {
  const r = new Reader(payload);
  const correlationId = r.int32();
  const errorCode = r.int16();
  const at = r.offset;
  const n = r.int32();
  if (n < 0 || n > 1000) throw new ScramCodecError(`api_keys array of ${n} items`, at);
  const apis: ApiVersionRange[] = [];
  for (let i = 0; i < n; i++) apis.push({ apiKey: r.int16(), minVersion: r.int16(), maxVersion: r.int16() });
  r.end();
  return { correlationId, errorCode, apis };
}

/**
 * SaslHandshake Request (Version: 1) => mechanism:STRING (KIP-152: v1 means the SASL tokens then travel in
 * SaslAuthenticate requests). Request header v1, not flexible.
 */
export function encodeSaslHandshakeRequest(
  correlationId: number,
  clientId: string,
  mechanism: string,
): Buffer {
  const w = header(SASL_HANDSHAKE_API_KEY, 1, correlationId, clientId, false);
  w.nullableString(mechanism);
  return frame(w.bytes());
}

/** SaslHandshake Response (Version: 1) => error_code:INT16 [mechanisms:STRING]; response header v0. */
export function decodeSaslHandshakeResponse(payload: Buffer): {
  correlationId: number;
  errorCode: number;
  mechanisms: readonly string[];
} {
  const r = new Reader(payload);
  const correlationId = r.int32();
  const errorCode = r.int16();
  const at = r.offset;
  const n = r.int32();
  if (n < -1 || n > 100) throw new ScramCodecError(`mechanisms array of ${n} items`, at);
  const mechanisms: string[] = [];
  for (let i = 0; i < n; i++) mechanisms.push(r.nullableString() ?? '');
  r.end();
  return { correlationId, errorCode, mechanisms };
}

/** SaslAuthenticate Request (Version: 1) => auth_bytes:BYTES (KIP-152, KIP-368). Request header v1. */
export function encodeSaslAuthenticateRequest(
  correlationId: number,
  clientId: string,
  authBytes: Buffer,
): Buffer {
  const w = header(SASL_AUTHENTICATE_API_KEY, 1, correlationId, clientId, false);
  w.int32Bytes(authBytes);
  return frame(w.bytes());
}

/**
 * SaslAuthenticate Response (Version: 1) => error_code:INT16 error_message:NULLABLE_STRING auth_bytes:BYTES
 * session_lifetime_ms:INT64; response header v0.
 */
export function decodeSaslAuthenticateResponse(payload: Buffer): {
  correlationId: number;
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
} {
  const r = new Reader(payload);
  const correlationId = r.int32();
  const errorCode = r.int16();
  const errorMessage = r.nullableString();
  const authBytes = r.int32Bytes();
  r.skip(8);
  r.end();
  return { correlationId, errorCode, errorMessage, authBytes };
}

/** Names of the error codes AlterUserScramCredentials returns per user (Kafka protocol guide, "Error Codes"). */
export const SCRAM_ERROR_NAMES: Readonly<Record<number, string>> = {
  7: 'REQUEST_TIMED_OUT',
  31: 'CLUSTER_AUTHORIZATION_FAILED',
  33: 'UNSUPPORTED_SASL_MECHANISM',
  35: 'UNSUPPORTED_VERSION',
  41: 'NOT_CONTROLLER',
  42: 'INVALID_REQUEST',
  58: 'SASL_AUTHENTICATION_FAILED',
  91: 'RESOURCE_NOT_FOUND',
  92: 'DUPLICATE_RESOURCE',
  93: 'UNACCEPTABLE_CREDENTIAL',
};
