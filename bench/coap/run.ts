/**
 * CoAP stack throughput: `npm run bench:coap [-- <ms per case>]`. Not a test: figures depend on the machine and its
 * load (printed with them).
 * - codec: parse and serialize of a typical Send datagram (Uri-Path dp, Content-Format, 120-byte payload);
 * - exchanges: confirmable request/response round trips between two endpoints on the in-memory network, with
 *   `window` outstanding (the message layer alone: dedup, matching, piggybacked responses);
 * - Block-wise: a 16 KiB Block1 upload and a 16 KiB Block2 download between the same endpoints.
 */
import { loadavg } from 'node:os';
import {
  CoapCode,
  CoapEndpoint,
  CoapOption,
  CoapType,
  MemoryNetwork,
  parseCoapMessage,
  serializeCoapMessage,
  stringOptions,
  udpPeer,
  uintOption,
} from '@smartcity/coap';

const MEASURE_MS = Number(process.argv[2] ?? 1500);

function timed(name: string, unit: string, run: () => number): void {
  const deadline = Date.now() + 200;
  while (Date.now() < deadline) run(); // warm-up
  let n = 0;
  const started = process.hrtime.bigint();
  const end = Date.now() + MEASURE_MS;
  while (Date.now() < end) n += run();
  const s = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(
    `${name.padEnd(44)} ${Math.round(n / s)
      .toLocaleString('en-US')
      .padStart(12)} ${unit}\n`,
  );
}

async function timedAsync(name: string, unit: string, run: () => Promise<number>): Promise<void> {
  await run(); // warm-up
  let n = 0;
  const started = process.hrtime.bigint();
  const end = Date.now() + MEASURE_MS;
  while (Date.now() < end) n += await run();
  const s = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(
    `${name.padEnd(44)} ${Math.round(n / s)
      .toLocaleString('en-US')
      .padStart(12)} ${unit}\n`,
  );
}

async function main(): Promise<void> {
  process.stdout.write(
    `bench:coap  load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  const send = serializeCoapMessage({
    type: CoapType.Confirmable,
    code: CoapCode.POST,
    messageId: 0x1234,
    token: Buffer.from('0a0b0c0d', 'hex'),
    options: [...stringOptions(CoapOption.UriPath, ['dp']), uintOption(CoapOption.ContentFormat, 112)],
    payload: Buffer.alloc(120, 0x61),
  });
  const message = parseCoapMessage(send);
  timed('codec: parse a Send datagram', 'msg/s', () => {
    for (let i = 0; i < 1000; i++) parseCoapMessage(send);
    return 1000;
  });
  timed('codec: serialize a Send datagram', 'msg/s', () => {
    for (let i = 0; i < 1000; i++) serializeCoapMessage(message);
    return 1000;
  });

  const network = new MemoryNetwork();
  const server = new CoapEndpoint({ transport: network.transport(5683), dedupMaxEntries: 200_000 });
  const client = new CoapEndpoint({ transport: network.transport(40000) });
  const big = Buffer.alloc(16 * 1024, 0x62);
  await server.start((ex) => {
    const path = ex.request.options.find((o) => o.number === CoapOption.UriPath)?.value.toString();
    ex.respond(path === 'big' ? CoapCode.Content : CoapCode.Changed, [], path === 'big' ? big : undefined);
  });
  await client.start();
  const peer = udpPeer('127.0.0.1', 5683);
  const dp = {
    code: CoapCode.POST,
    options: stringOptions(CoapOption.UriPath, ['dp']),
    payload: message.payload,
  };
  for (const window of [1, 64]) {
    await timedAsync(`exchanges: CON request/response, window ${window}`, 'req/s', async () => {
      await Promise.all(Array.from({ length: window }, () => client.request(peer, dp)));
      return window;
    });
  }
  await timedAsync('Block1: 16 KiB upload (16 blocks)', 'KiB/s', async () => {
    await client.request(peer, {
      code: CoapCode.POST,
      options: stringOptions(CoapOption.UriPath, ['up']),
      payload: big,
    });
    return 16;
  });
  await timedAsync('Block2: 16 KiB download (16 blocks)', 'KiB/s', async () => {
    await client.request(peer, { code: CoapCode.GET, options: stringOptions(CoapOption.UriPath, ['big']) });
    return 16;
  });
  await client.close();
  await server.close();
}

void main();
