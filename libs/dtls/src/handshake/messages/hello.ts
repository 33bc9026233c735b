import { ByteReader, readU16List } from '../../codec/byte-reader';
import { u16, u16List, vector16, vector8 } from '../../codec/byte-writer';
import { DtlsError } from '../../errors';
import { AlertDescription } from '../../protocol/constants';
import { encodeExtensions, type Extension, parseExtensions } from '../extensions';

/** RFC 6347 §4.2.1 / RFC 5246 §7.4.1.2 ClientHello, with the DTLS cookie. */
export interface ClientHello {
  readonly clientVersion: number;
  readonly random: Buffer;
  readonly sessionId: Buffer;
  readonly cookie: Buffer;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: readonly number[];
  readonly extensions: readonly Extension[];
}

export function parseClientHello(body: Buffer): ClientHello {
  const r = new ByteReader(body, 'ClientHello');
  const clientVersion = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vector8(0, 32);
  const cookie = r.vector8(0, 255);
  const cipherSuites = readU16List(r.vector16(2, 65534), 'cipher_suites');
  const compressionMethods = [...r.vector8(1, 255)];
  // RFC 5246 §7.4.1.2: the extensions field may be absent altogether.
  const extensions = r.remaining > 0 ? parseExtensions(r.vector16()) : [];
  r.end();
  return { clientVersion, random, sessionId, cookie, cipherSuites, compressionMethods, extensions };
}

export function encodeClientHello(m: ClientHello): Buffer {
  return Buffer.concat([
    u16(m.clientVersion),
    m.random,
    vector8(m.sessionId),
    vector8(m.cookie),
    vector16(u16List(m.cipherSuites)),
    vector8(Buffer.from(m.compressionMethods)),
    encodeExtensions(m.extensions),
  ]);
}

/** RFC 5246 §7.4.1.3 ServerHello. */
export interface ServerHello {
  readonly serverVersion: number;
  readonly random: Buffer;
  readonly sessionId: Buffer;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  readonly extensions: readonly Extension[];
}

export function parseServerHello(body: Buffer): ServerHello {
  const r = new ByteReader(body, 'ServerHello');
  const serverVersion = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vector8(0, 32);
  const cipherSuite = r.u16();
  const compressionMethod = r.u8();
  const extensions = r.remaining > 0 ? parseExtensions(r.vector16()) : [];
  r.end();
  return { serverVersion, random, sessionId, cipherSuite, compressionMethod, extensions };
}

export function encodeServerHello(m: ServerHello): Buffer {
  return Buffer.concat([
    u16(m.serverVersion),
    m.random,
    vector8(m.sessionId),
    u16(m.cipherSuite),
    Buffer.from([m.compressionMethod]),
    encodeExtensions(m.extensions),
  ]);
}

/** RFC 6347 §4.2.1 HelloVerifyRequest: `ProtocolVersion server_version; opaque cookie<0..2^8-1>`. */
export interface HelloVerifyRequest {
  readonly serverVersion: number;
  readonly cookie: Buffer;
}

export function parseHelloVerifyRequest(body: Buffer): HelloVerifyRequest {
  const r = new ByteReader(body, 'HelloVerifyRequest');
  const serverVersion = r.u16();
  const cookie = r.vector8(0, 255);
  r.end();
  if (cookie.length === 0) throw new DtlsError(AlertDescription.illegal_parameter, 'empty cookie');
  return { serverVersion, cookie };
}

export function encodeHelloVerifyRequest(m: HelloVerifyRequest): Buffer {
  return Buffer.concat([u16(m.serverVersion), vector8(m.cookie)]);
}
