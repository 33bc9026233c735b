import { CoapEndpoint } from '../exchange/coap-endpoint';
import { CoapFormatError, parseCoapMessage, serializeCoapMessage } from '../message/coap-codec';
import { CoapCode, CoapOption, type CoapType, type CoapOptionValue } from '../message/coap-message';
import { FakeClock } from '../time/fake-clock';
import { type DatagramListener, type DatagramTransport } from '../transport/datagram-transport';
import { udpPeer } from '../transport/peer';

/** A small seeded PRNG (mulberry32): the same seed replays the same inputs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPTION_NUMBERS = [
  CoapOption.UriPath,
  CoapOption.UriQuery,
  CoapOption.ContentFormat,
  CoapOption.Observe,
  CoapOption.Accept,
  CoapOption.Block1,
  CoapOption.Block2,
  CoapOption.Size1,
  CoapOption.ETag,
  9,
  2049,
  65000,
];

/** A well-formed message of random shape: the seed of the mutations. */
function validMessage(random: () => number): Buffer {
  const int = (n: number) => Math.floor(random() * n);
  const options: CoapOptionValue[] = [];
  for (let i = int(5); i > 0; i--) {
    const number = OPTION_NUMBERS[int(OPTION_NUMBERS.length)]!;
    options.push({
      number,
      value: Buffer.from(Array.from({ length: int(random() < 0.9 ? 4 : 300) }, () => int(256))),
    });
  }
  const codes = [
    CoapCode.GET,
    CoapCode.POST,
    CoapCode.PUT,
    CoapCode.FETCH,
    CoapCode.Content,
    CoapCode.Changed,
    0,
  ];
  const code = codes[int(codes.length)]!;
  return serializeCoapMessage({
    type: int(4) as CoapType,
    code,
    messageId: int(0x10000),
    token: code === 0 ? Buffer.alloc(0) : Buffer.from(Array.from({ length: int(9) }, () => int(256))),
    options: code === 0 ? [] : options,
    payload:
      code === 0 || random() < 0.5
        ? Buffer.alloc(0)
        : Buffer.from(Array.from({ length: 1 + int(64) }, () => int(256))),
  });
}

/** Random bytes, a valid message, or a valid message with bytes flipped, cut or inserted. */
export function fuzzDatagram(random: () => number): Buffer {
  const int = (n: number) => Math.floor(random() * n);
  const kind = int(4);
  if (kind === 0) return Buffer.from(Array.from({ length: int(80) }, () => int(256)));
  const bytes = validMessage(random);
  if (kind === 1) return bytes;
  const mutated = Buffer.from(bytes);
  for (let i = 1 + int(4); i > 0 && mutated.length > 0; i--) mutated[int(mutated.length)] = int(256);
  if (kind === 2) return mutated;
  const cut = int(mutated.length + 1);
  return random() < 0.5
    ? mutated.subarray(0, cut)
    : Buffer.concat([mutated.subarray(0, cut), Buffer.of(int(256)), mutated.subarray(cut)]);
}

export interface FuzzReport {
  readonly datagrams: number;
  readonly refusedByCodec: number;
  /** Largest deduplication and buffered-block state seen, to show memory stays bounded. */
  readonly maxHeapGrowthBytes: number;
}

/** A transport whose listener the fuzzer calls directly; what the endpoint sends is discarded. */
class SinkTransport implements DatagramTransport {
  readonly scheme = 'coap' as const;
  listener: DatagramListener | undefined;
  sent = 0;
  async start(onDatagram: DatagramListener): Promise<void> {
    this.listener = onDatagram;
  }
  send(): void {
    this.sent++;
  }
  localAddress() {
    return { address: '127.0.0.1', port: 5683 };
  }
  async close(): Promise<void> {}
}

/**
 * Feeds `iterations` datagrams to the codec (only CoapFormatError may come out) and to an endpoint in the server
 * and client roles at once (it must never throw), from a handful of peers, on fake time. Throws on the first
 * failure with the datagram in hex.
 */
export async function fuzzCoap(iterations: number, seed: number): Promise<FuzzReport> {
  const random = seededRandom(seed);
  const clock = new FakeClock();
  const transport = new SinkTransport();
  const endpoint = new CoapEndpoint({
    transport,
    clock,
    random,
    dedupMaxEntries: 10_000,
    block: { maxTransfers: 1000, maxBufferedBytes: 4 * 1024 * 1024 },
  });
  await endpoint.start((ex) =>
    ex.respond(random() < 0.5 ? CoapCode.Content : CoapCode.Changed, [], Buffer.alloc(int(2000))),
  );
  function int(n: number) {
    return Math.floor(random() * n);
  }
  const peers = Array.from({ length: 16 }, (_, i) => udpPeer('10.0.0.1', 40000 + i));
  const heapAtStart = process.memoryUsage().heapUsed;
  let maxHeapGrowth = 0;
  let refused = 0;
  for (let i = 0; i < iterations; i++) {
    const datagram = fuzzDatagram(random);
    try {
      parseCoapMessage(datagram);
    } catch (err) {
      if (!(err instanceof CoapFormatError))
        throw new Error(`codec threw ${String(err)} on ${datagram.toString('hex')}`);
      refused++;
    }
    try {
      transport.listener!(datagram, peers[int(peers.length)]!);
    } catch (err) {
      throw new Error(`endpoint threw ${String(err)} on ${datagram.toString('hex')}`);
    }
    if (i % 1000 === 0) {
      // Some of our own requests in flight, so responses and notifications find exchanges to match.
      endpoint
        .request(peers[int(peers.length)]!, { code: CoapCode.GET, timeoutMs: 5000 })
        .catch(() => undefined);
      clock.advance(100);
    }
    if (i % 50_000 === 0)
      maxHeapGrowth = Math.max(maxHeapGrowth, process.memoryUsage().heapUsed - heapAtStart);
  }
  await endpoint.close();
  return { datagrams: iterations, refusedByCodec: refused, maxHeapGrowthBytes: maxHeapGrowth };
}
