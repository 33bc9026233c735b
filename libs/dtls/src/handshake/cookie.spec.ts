import { FakeClock } from '@smartcity/coap';
import { seededRandomBytes } from '../testing/memory-network';
import { CookieAuthority } from './cookie';
import { type ClientHello } from './messages/hello';

const hello: ClientHello = {
  clientVersion: 0xfefd,
  random: Buffer.alloc(32, 1),
  sessionId: Buffer.alloc(0),
  cookie: Buffer.alloc(0),
  cipherSuites: [0xc0a8],
  compressionMethods: [0],
  extensions: [],
};

describe('stateless cookies (RFC 6347 §4.2.1)', () => {
  it('verifies its own cookie for the same address, port and ClientHello parameters only', () => {
    const clock = new FakeClock();
    const jar = new CookieAuthority(clock, seededRandomBytes(1), 60_000);
    const cookie = jar.create('10.0.0.2', 4000, hello);
    const withCookie = { ...hello, cookie };
    expect(jar.verify('10.0.0.2', 4000, withCookie)).toBe(true);
    expect(jar.verify('10.0.0.3', 4000, withCookie)).toBe(false);
    expect(jar.verify('10.0.0.2', 4001, withCookie)).toBe(false);
    expect(jar.verify('10.0.0.2', 4000, { ...withCookie, random: Buffer.alloc(32, 2) })).toBe(false);
    expect(jar.verify('10.0.0.2', 4000, { ...withCookie, cipherSuites: [0xc0ae] })).toBe(false);
    expect(jar.verify('10.0.0.2', 4000, { ...withCookie, cookie: Buffer.alloc(32) })).toBe(false);
    expect(jar.verify('10.0.0.2', 4000, { ...withCookie, cookie: cookie.subarray(0, 16) })).toBe(false);
  });

  it('keeps a cookie valid for one more rotation period, not two', () => {
    const clock = new FakeClock();
    const jar = new CookieAuthority(clock, seededRandomBytes(2), 60_000);
    const cookie = jar.create('10.0.0.2', 4000, hello);
    clock.advance(70_000);
    expect(jar.verify('10.0.0.2', 4000, { ...hello, cookie })).toBe(true);
    clock.advance(60_000);
    expect(jar.verify('10.0.0.2', 4000, { ...hello, cookie })).toBe(false);
  });

  it('differs between server instances (different secrets)', () => {
    const clock = new FakeClock();
    const a = new CookieAuthority(clock, seededRandomBytes(3), 60_000);
    const b = new CookieAuthority(clock, seededRandomBytes(4), 60_000);
    expect(b.verify('10.0.0.2', 4000, { ...hello, cookie: a.create('10.0.0.2', 4000, hello) })).toBe(false);
  });
});
