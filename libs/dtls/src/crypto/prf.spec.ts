import { prf } from './prf';
import {
  extendedMasterSecret,
  finishedVerifyData,
  keyBlock,
  masterSecret,
  pskPreMasterSecret,
} from '../handshake/key-schedule';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('TLS 1.2 PRF (RFC 5246 §5, P_SHA256)', () => {
  it('matches the known-answer vector (also reproduced with `openssl kdf ... TLS1-PRF`)', () => {
    const out = prf(
      hex('9bbe436ba940f017b17652849a71db35'),
      'test label',
      hex('a0ba9f936cda311827a6f796ffd5198c'),
      100,
    );
    expect(out.toString('hex')).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af' +
        '0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701' +
        '87347b66',
    );
  });

  it('derives master secret, extended master secret, key block and verify_data of the right sizes', () => {
    const pms = pskPreMasterSecret(Buffer.alloc(16, 7));
    const cr = Buffer.alloc(32, 1);
    const sr = Buffer.alloc(32, 2);
    const ms = masterSecret(pms, cr, sr);
    expect(ms).toHaveLength(48);
    expect(ms.equals(prf(pms, 'master secret', Buffer.concat([cr, sr]), 48))).toBe(true);
    const ems = extendedMasterSecret(pms, Buffer.alloc(32, 3));
    expect(ems.equals(ms)).toBe(false);
    // RFC 5246 §6.3: the seed order is server_random + client_random for the key block.
    expect(keyBlock(ms, cr, sr, 40).equals(prf(ms, 'key expansion', Buffer.concat([sr, cr]), 40))).toBe(true);
    expect(finishedVerifyData(ms, 'client', Buffer.alloc(32))).toHaveLength(12);
    expect(
      finishedVerifyData(ms, 'client', Buffer.alloc(32)).equals(
        finishedVerifyData(ms, 'server', Buffer.alloc(32)),
      ),
    ).toBe(false);
  });

  it('builds the RFC 4279 §2 premaster secret: uint16 N, N zeros, uint16 N, psk', () => {
    expect(pskPreMasterSecret(hex('aabbcc')).toString('hex')).toBe('0003000000' + '0003aabbcc');
  });
});
