import { deviceAccountOf, parseServerUri, ServerAccountError } from './server-account';

const psk = { securityMode: 0, pskIdentity: 'lyon-sl-0001', pskKey: Buffer.alloc(16, 7) };
const account = {
  serverUri: 'coaps://127.0.0.1:5684',
  shortServerId: 1,
  lifetime: 300,
  binding: 'U',
  objectWrites: [],
};

describe('deviceAccountOf', () => {
  it('takes the server address, PSK and lifetime of a coaps PSK account', () => {
    expect(deviceAccountOf({ ...account, ...psk })).toEqual({
      server: { address: '127.0.0.1', port: 5684 },
      psk: { identity: 'lyon-sl-0001', key: Buffer.alloc(16, 7) },
      lifetime: 300,
    });
  });

  it('takes a NoSec coap account without a key', () => {
    expect(deviceAccountOf({ ...account, serverUri: 'coap://[::1]', securityMode: 3 })).toEqual({
      server: { address: '::1', port: 5683 },
      lifetime: 300,
    });
  });

  it.each([
    ['coaps with NoSec', { ...account, securityMode: 3 }],
    ['coap with PSK', { ...account, ...psk, serverUri: 'coap://127.0.0.1:5683' }],
    ['RPK', { ...account, securityMode: 1 }],
    ['PSK without a key', { ...account, securityMode: 0, pskIdentity: 'x' }],
  ])('refuses %s', (_, a) => {
    expect(() => deviceAccountOf(a)).toThrow(ServerAccountError);
  });
});

describe('parseServerUri', () => {
  it.each([['http://127.0.0.1:80'], ['not a uri'], ['coaps://']])('refuses %s', (uri) => {
    expect(() => parseServerUri(uri)).toThrow(ServerAccountError);
  });

  it('defaults the coaps port to 5684', () => {
    expect(parseServerUri('coaps://bs.example')).toEqual({
      scheme: 'coaps:',
      server: { address: 'bs.example', port: 5684 },
    });
  });
});
