import { FakeClock } from '@smartcity/coap';
import { type SessionState } from '../connection/types';
import { cipherSuiteByName } from '../handshake/cipher-suites';
import { decodeSessionState, encodeSessionState } from './session-codec';
import { SessionSealer } from './session-sealer';
import { InMemorySessionStore } from './session-store';

const base = {
  sessionId: Buffer.alloc(32, 1),
  masterSecret: Buffer.alloc(48, 2),
  cipherSuite: cipherSuiteByName('TLS_PSK_WITH_AES_128_CCM_8'),
  extendedMasterSecret: true,
  createdAt: 1_700_000_000_123,
};
const sessions: SessionState[] = [
  { ...base, peerIdentity: { kind: 'psk', identity: 'dévice-1' } },
  { ...base, extendedMasterSecret: false, peerIdentity: { kind: 'rpk', publicKey: Buffer.alloc(91, 3) } },
  {
    ...base,
    cipherSuite: cipherSuiteByName('TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8'),
    peerIdentity: {
      kind: 'x509',
      chain: [Buffer.alloc(300, 4), Buffer.alloc(200, 5)],
      commonName: 'dev',
      subjectAltNames: ['a', 'b'],
    },
  },
  {
    ...base,
    peerIdentity: { kind: 'x509', chain: [Buffer.alloc(10, 4)], commonName: undefined, subjectAltNames: [] },
  },
];

describe('session state codec and sealing', () => {
  it.each(sessions.map((s) => [s.peerIdentity.kind, s] as const))('round-trips a %s session', (_kind, s) => {
    expect(decodeSessionState(encodeSessionState(s))).toEqual(s);
  });

  it('refuses a truncated or unknown-format encoding', () => {
    const bytes = encodeSessionState(sessions[0]!);
    expect(() => decodeSessionState(bytes.subarray(0, 20))).toThrow();
    expect(() => decodeSessionState(Buffer.concat([Buffer.from([9]), bytes.subarray(1)]))).toThrow();
  });

  it('seals with AES-256-GCM under the first key, opens with any key, and binds the session id', () => {
    const oldKey = { id: 'old', key: Buffer.alloc(32, 8) };
    const newKey = { id: 'new', key: Buffer.alloc(32, 9) };
    const sealedOld = new SessionSealer([oldKey]).seal(sessions[0]!);
    const rotated = new SessionSealer([newKey, oldKey]);
    expect(rotated.unseal(sealedOld, sessions[0]!.sessionId)).toEqual(sessions[0]);
    const sealedNew = rotated.seal(sessions[0]!);
    expect(sealedNew.subarray(1, 4).toString()).toBe('new');
    expect(new SessionSealer([oldKey]).unseal(sealedNew, sessions[0]!.sessionId)).toBeUndefined();
    expect(rotated.unseal(sealedNew, Buffer.alloc(32, 7))).toBeUndefined();
    for (const i of [0, 5, 20, sealedNew.length - 1]) {
      const bad = Buffer.from(sealedNew);
      bad[i]! ^= 1;
      expect(rotated.unseal(bad, sessions[0]!.sessionId)).toBeUndefined();
    }
    expect(rotated.unseal(Buffer.alloc(3), sessions[0]!.sessionId)).toBeUndefined();
  });

  it('never contains the master secret in the clear', () => {
    const sealed = new SessionSealer([{ id: 'k', key: Buffer.alloc(32, 1) }]).seal(sessions[0]!);
    expect(sealed.includes(sessions[0]!.masterSecret)).toBe(false);
  });

  it('refuses bad keys', () => {
    expect(() => new SessionSealer([])).toThrow(TypeError);
    expect(() => new SessionSealer([{ id: 'k', key: Buffer.alloc(16) }])).toThrow(TypeError);
  });
});

describe('InMemorySessionStore', () => {
  it('expires entries on the clock and evicts the oldest when full', async () => {
    const clock = new FakeClock(0);
    const store = new InMemorySessionStore(2, clock);
    await store.put(Buffer.from('a'), Buffer.from('1'), 1000);
    await store.put(Buffer.from('b'), Buffer.from('2'), 5000);
    expect((await store.get(Buffer.from('a')))?.toString()).toBe('1');
    clock.advance(1000);
    expect(await store.get(Buffer.from('a'))).toBeUndefined();
    await store.put(Buffer.from('c'), Buffer.from('3'), 5000);
    await store.put(Buffer.from('d'), Buffer.from('4'), 5000);
    expect(await store.get(Buffer.from('b'))).toBeUndefined();
    expect(store.size).toBe(2);
    await store.delete(Buffer.from('c'));
    expect(await store.get(Buffer.from('c'))).toBeUndefined();
  });
});
