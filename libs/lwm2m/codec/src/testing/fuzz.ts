import { Lwm2mCodecError, Lwm2mPath, type ModelProvider } from '@smartcity/lwm2m-core';
import { ContentFormat } from '../content-format';
import { Lwm2mDecoder } from '../lwm2m-decoder';
import { fromHex } from '../util/bytes';
import { SPEC } from './spec-fixtures';

/** Seeds per decoder: valid payloads the mutator starts from, with the path they are decoded at. */
export const FUZZ_TARGETS: ReadonlyArray<{ name: string; cf: number; path: string; seeds: string[] }> = [
  { name: 'text', cf: ContentFormat.TEXT, path: '/3/0/9', seeds: ['100', '-12', 'AQID'] },
  { name: 'opaque', cf: ContentFormat.OPAQUE, path: '/5/0/0', seeds: ['\u0001\u0002'] },
  {
    name: 'cbor',
    cf: ContentFormat.CBOR,
    path: '/3/0/13',
    seeds: [hexText('c11a5182428f'), hexText('1864')],
  },
  {
    name: 'tlv',
    cf: ContentFormat.TLV,
    path: '/3',
    seeds: [hexText(SPEC.TLV_DEVICE_INSTANCE), hexText(SPEC.TLV_ACL)],
  },
  {
    name: 'lwm2m-json',
    cf: ContentFormat.JSON,
    path: '/3/0',
    seeds: [
      '{"bn":"/3/0/","bt":25462634,"e":[{"n":"0","sv":"OMA"},{"n":"6/0","v":1,"t":-5},{"n":"9","v":100}]}',
    ],
  },
  {
    name: 'senml-json',
    cf: ContentFormat.SENML_JSON,
    path: '/',
    seeds: [
      '[{"bn":"/3/0/","bt":1767225000,"n":"9","v":15},{"n":"20","v":4,"t":-5},{"bn":"/65/0/0/","n":"0","vlo":"66:1"}]',
    ],
  },
  {
    name: 'senml-cbor',
    cf: ContentFormat.SENML_CBOR,
    path: '/',
    seeds: [hexText(SPEC.SENML_CBOR_DEVICE), hexText(SPEC.SENML_CBOR_SEND)],
  },
  {
    name: 'lwm2m-cbor',
    cf: ContentFormat.LWM2M_CBOR,
    path: '/',
    seeds: [hexText('bf03bf00bf091864ffff01bf00bf010bffffff')],
  },
];

function hexText(hex: string): string {
  return Buffer.from(fromHex(hex) as Uint8Array).toString('latin1');
}

/** xorshift32: reproducible runs from a seed. */
export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** Half random buffers, half mutations of the seeds (byte flips, insertions, deletions, truncations, splices). */
export function fuzzInput(rand: () => number, seeds: readonly Uint8Array[]): Uint8Array {
  const int = (n: number) => Math.floor(rand() * n);
  if (rand() < 0.5 || seeds.length === 0) {
    const out = new Uint8Array(int(48));
    for (let i = 0; i < out.length; i++) out[i] = int(256);
    return out;
  }
  let bytes = Array.from(seeds[int(seeds.length)] as Uint8Array);
  const edits = 1 + int(4);
  for (let e = 0; e < edits; e++) {
    const at = int(bytes.length + 1);
    switch (int(5)) {
      case 0:
        if (bytes.length) bytes[Math.min(at, bytes.length - 1)] = int(256);
        break;
      case 1:
        bytes.splice(at, 0, int(256));
        break;
      case 2:
        bytes.splice(at, 1 + int(3));
        break;
      case 3:
        bytes = bytes.slice(0, at);
        break;
      default: {
        const interesting = [
          0x00, 0xff, 0x7f, 0x80, 0x1b, 0x3b, 0x9f, 0xbf, 0x5f, 0x7f, 0x22, 0x5b, 0x7b, 0xc8, 0xf8,
        ];
        bytes.splice(at, 0, interesting[int(interesting.length)] as number);
      }
    }
  }
  return Uint8Array.from(bytes);
}

/**
 * Decodes `iterations` fuzzed payloads with one target's format; returns how many were refused. Throws (fails the
 * caller) on the first error that is not a Lwm2mCodecError, with the payload in hex to reproduce it.
 */
export function fuzzDecoder(
  target: (typeof FUZZ_TARGETS)[number],
  iterations: number,
  seed: number,
  models: ModelProvider,
): number {
  const decoder = new Lwm2mDecoder();
  const rand = prng(seed);
  const seeds = target.seeds.map((s) => Uint8Array.from(Buffer.from(s, 'latin1')));
  const path = Lwm2mPath.parse(target.path);
  let refused = 0;
  for (let i = 0; i < iterations; i++) {
    const payload = fuzzInput(rand, seeds);
    try {
      decoder.decode(payload, target.cf, { path, models, now: () => 1767225600 });
    } catch (err) {
      if (!(err instanceof Lwm2mCodecError)) {
        throw new Error(`${target.name}: ${String(err)} for payload ${Buffer.from(payload).toString('hex')}`);
      }
      refused++;
    }
  }
  return refused;
}
