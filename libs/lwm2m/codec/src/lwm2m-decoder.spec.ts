import { EMPTY_MODEL_PROVIDER, Lwm2mCodecError, Lwm2mPath } from '@smartcity/lwm2m-core';
import { ContentFormat } from './content-format';
import { Lwm2mDecoder } from './lwm2m-decoder';
import { Lwm2mEncoder } from './lwm2m-encoder';
import { codecError } from './testing/codec-test-kit';

const options = { path: Lwm2mPath.parse('/3/0/9'), models: EMPTY_MODEL_PROVIDER };

describe('Lwm2mDecoder / Lwm2mEncoder facades', () => {
  it('know every LwM2M content format, legacy numbers included', () => {
    const decoder = new Lwm2mDecoder();
    const encoder = new Lwm2mEncoder();
    for (const cf of [0, 42, 60, 110, 112, 1541, 1542, 1543, 11542, 11543, 11544]) {
      expect(decoder.supports(cf)).toBe(true);
      expect(encoder.supports(cf)).toBe(true);
    }
    expect(decoder.supports(ContentFormat.LINK)).toBe(false);
  });

  it('refuses an unknown content format with its name when known', () => {
    const err = codecError(() => new Lwm2mDecoder().decode(new Uint8Array(1), 40, options));
    expect(err).toMatchObject({ code: 'unsupported-format' });
    expect(err.message).toContain('application/link-format');
    expect(codecError(() => new Lwm2mEncoder().encode([], 999, options)).code).toBe('unsupported-format');
    expect(codecError(() => new Lwm2mDecoder().decodePaths(new Uint8Array(1), 11542, options)).code).toBe(
      'unsupported-format',
    );
  });

  it('wraps anything a format decoder throws into Lwm2mCodecError', () => {
    const broken = new Lwm2mDecoder(
      new Map([
        [
          0,
          {
            decode: () => {
              throw new TypeError('boom');
            },
          },
        ],
      ]),
    );
    const err = codecError(() => broken.decode(new Uint8Array(1), 0, options));
    expect(err).toBeInstanceOf(Lwm2mCodecError);
    expect(err).toMatchObject({ code: 'malformed', message: 'undecodable payload: boom' });
  });

  it('refuses payloads above maxPayloadBytes before decoding', () => {
    const err = codecError(() =>
      new Lwm2mDecoder().decode(new Uint8Array(11), 0, { ...options, limits: { maxPayloadBytes: 10 } }),
    );
    expect(err.code).toBe('payload-too-large');
  });
});
