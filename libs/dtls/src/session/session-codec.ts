import { type PeerIdentity } from '@smartcity/coap';
import { ByteReader } from '../codec/byte-reader';
import { u16, u48, u8, vector16, vector24, vector8 } from '../codec/byte-writer';
import { type SessionState } from '../connection/types';
import { decodeError } from '../errors';
import { cipherSuiteInfo } from '../handshake/cipher-suites';

const FORMAT_VERSION = 1;
const IDENTITY = { psk: 1, rpk: 2, x509: 3 } as const;

function encodeIdentity(id: PeerIdentity): Buffer {
  switch (id.kind) {
    case 'psk':
      return Buffer.concat([u8(IDENTITY.psk), vector16(Buffer.from(id.identity, 'utf8'))]);
    case 'rpk':
      return Buffer.concat([u8(IDENTITY.rpk), vector16(id.publicKey)]);
    case 'x509':
      return Buffer.concat([
        u8(IDENTITY.x509),
        u8(id.chain.length),
        ...id.chain.map((c) => vector24(c)),
        id.commonName === undefined
          ? u8(0)
          : Buffer.concat([u8(1), vector16(Buffer.from(id.commonName, 'utf8'))]),
        u16(id.subjectAltNames.length),
        ...id.subjectAltNames.map((n) => vector16(Buffer.from(n, 'utf8'))),
      ]);
  }
}

function decodeIdentity(r: ByteReader): PeerIdentity {
  const kind = r.u8();
  if (kind === IDENTITY.psk) return { kind: 'psk', identity: r.vector16().toString('utf8') };
  if (kind === IDENTITY.rpk) return { kind: 'rpk', publicKey: Buffer.from(r.vector16()) };
  if (kind !== IDENTITY.x509) throw decodeError('session identity kind');
  const chain: Buffer[] = [];
  for (let n = r.u8(); n > 0; n--) chain.push(Buffer.from(r.vector24()));
  const commonName = r.u8() === 1 ? r.vector16().toString('utf8') : undefined;
  const subjectAltNames: string[] = [];
  for (let n = r.u16(); n > 0; n--) subjectAltNames.push(r.vector16().toString('utf8'));
  return { kind: 'x509', chain, commonName, subjectAltNames };
}

/**
 * The resumable state of a session (RFC 5246 §7.4.1.2 / RFC 7627 §5.2: id, master secret, cipher suite, whether
 * the master secret is extended, the authenticated peer) as bytes. Plaintext: only ever stored sealed.
 */
export function encodeSessionState(s: SessionState): Buffer {
  return Buffer.concat([
    u8(FORMAT_VERSION),
    vector8(s.sessionId),
    vector8(s.masterSecret),
    u16(s.cipherSuite.id),
    u8(s.extendedMasterSecret ? 1 : 0),
    u48(s.createdAt),
    encodeIdentity(s.peerIdentity),
  ]);
}

export function decodeSessionState(bytes: Buffer): SessionState {
  const r = new ByteReader(bytes, 'session state');
  if (r.u8() !== FORMAT_VERSION) throw decodeError('session state format');
  const sessionId = Buffer.from(r.vector8(1, 32));
  const masterSecret = Buffer.from(r.vector8(48, 48));
  const cipherSuite = cipherSuiteInfo(r.u16());
  if (!cipherSuite) throw decodeError('session cipher suite');
  const extendedMasterSecret = r.u8() === 1;
  const createdAt = r.u48();
  const peerIdentity = decodeIdentity(r);
  r.end();
  return { sessionId, masterSecret, cipherSuite, extendedMasterSecret, peerIdentity, createdAt };
}
