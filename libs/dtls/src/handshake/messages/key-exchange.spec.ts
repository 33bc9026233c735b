import { type DtlsError } from '../../errors';
import {
  encodeEcdheClientKeyExchange,
  encodeEcdheParams,
  encodeEcdheServerKeyExchange,
  encodePskClientKeyExchange,
  encodePskServerKeyExchange,
  parseEcdheClientKeyExchange,
  parseEcdheServerKeyExchange,
  parseEmpty,
  parseFinished,
  parsePskClientKeyExchange,
  parsePskServerKeyExchange,
} from './key-exchange';

const alertOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as DtlsError).alertName;
  }
  return undefined;
};
const point = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]);

describe('key exchange messages (RFC 4279 §2, RFC 8422 §5.4/§5.7)', () => {
  it('round-trips PSK hint and identity', () => {
    expect(parsePskServerKeyExchange(encodePskServerKeyExchange(Buffer.from('hint'))).toString()).toBe(
      'hint',
    );
    expect(parsePskClientKeyExchange(encodePskClientKeyExchange(Buffer.from('dev')), 128).toString()).toBe(
      'dev',
    );
  });

  it('refuses an empty PSK identity and one above the limit', () => {
    expect(alertOf(() => parsePskClientKeyExchange(Buffer.from('0000', 'hex'), 128))).toBe('decode_error');
    expect(
      alertOf(() => parsePskClientKeyExchange(encodePskClientKeyExchange(Buffer.alloc(129, 0x61)), 128)),
    ).toBe('decode_error');
  });

  it('round-trips ECDHE ServerKeyExchange keeping the signed params bytes exact', () => {
    const params = encodeEcdheParams(point);
    const ske = parseEcdheServerKeyExchange(
      encodeEcdheServerKeyExchange(params, { algorithm: 0x0403, signature: Buffer.alloc(71, 2) }),
    );
    expect(ske.params.equals(params)).toBe(true);
    expect(ske.namedGroup).toBe(23);
    expect(ske.point.equals(point)).toBe(true);
    expect(ske.signed.signature.length).toBe(71);
    expect(parseEcdheClientKeyExchange(encodeEcdheClientKeyExchange(point)).equals(point)).toBe(true);
  });

  it('refuses explicit curves, truncated signatures and empty points', () => {
    expect(alertOf(() => parseEcdheServerKeyExchange(Buffer.from('01', 'hex')))).toBe('illegal_parameter');
    const params = encodeEcdheParams(point);
    expect(
      alertOf(() => parseEcdheServerKeyExchange(Buffer.concat([params, Buffer.from('040300', 'hex')]))),
    ).toBe('decode_error');
    expect(alertOf(() => parseEcdheClientKeyExchange(Buffer.from('00', 'hex')))).toBe('decode_error');
  });

  it('checks Finished length and empty messages', () => {
    expect(parseFinished(Buffer.alloc(12))).toHaveLength(12);
    expect(alertOf(() => parseFinished(Buffer.alloc(11)))).toBe('decode_error');
    expect(alertOf(() => parseEmpty(Buffer.alloc(1), 'ServerHelloDone'))).toBe('decode_error');
  });
});
