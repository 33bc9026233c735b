import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  blockOf,
  CoapCode,
  type CoapMessage,
  CoapOption,
  CoapType,
  formatCode,
  uriPathOf,
} from '@smartcity/coap';
import { type UplinkMessage } from '@smartcity/platform-contracts';
import { ContentFormat, encode } from '@smartcity/lwm2m-codec';
import { EMPTY_MODEL_PROVIDER, Lwm2mPath, type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { type IngestApp } from '../../../apps/coap-ingest/src/ingest.app';
import { IngestTestWorld } from '../../../apps/coap-ingest/src/testing/ingest-harness';
import { freeUdpPort } from '../../../bench/pipeline/ports';
import { aiocoap, libcoapClient, requirePeers, scratchDir } from './coap-peers';
import { NodeCoapPeer } from './node-coap-peer';
import { UdpRelay } from './udp-relay';

jest.setTimeout(120_000);

/**
 * A large Send (LwM2M Core 1.1.1 §6.4.6, POST /dp) in Block1 blocks (RFC 7959 §2.5) into the real ingest, from
 * each peer that can send Block1, after a Register from the same address (Core 1.1.1 §6.2.1). The ingest
 * reassembles the body and publishes it once, whole, on Kafka; the De-register after it is the sentinel: once
 * its uplink is on the (single-partition) topic, nothing of the Send can still be on its way.
 */
describe('a large Block1 Send into coap-ingest from libcoap, aiocoap and node-coap', () => {
  const world = new IngestTestWorld();
  let app: IngestApp;
  let relay: UdpRelay;
  let base: string;
  let scratch: Awaited<ReturnType<typeof scratchDir>>;

  beforeAll(async () => {
    await requirePeers();
    scratch = await scratchDir();
    await world.createTenant();
    for (const peer of ['libcoap1024', 'libcoap256', 'aiocoap', 'nodecoap'])
      await world.provision(endpointOf(peer));
    app = await world.startIngest();
    await world.readUplinks();
  });

  // Each peer talks to the ingest through its own recording relay: the wire shows the blocks.
  beforeEach(async () => {
    relay = new UdpRelay({ host: '127.0.0.1', port: app.coapPort() });
    base = `coap://127.0.0.1:${await relay.start()}`;
  });

  afterEach(() => relay.close());

  afterAll(async () => {
    await world.cleanup();
    await scratch?.remove();
  });

  const endpointOf = (peer: string) => `interop-${peer}-${world.run}`;

  /** 250 timed temperature values of /3303/0/5700: 4-10 KiB in SenML CBOR or JSON (RFC 8428). */
  function largeSend(format: number): Buffer {
    const records: Lwm2mRecord[] = Array.from({ length: 250 }, (_, i) => ({
      path: new Lwm2mPath(3303, 0, 5700),
      type: 'float' as const,
      value: 20 + i / 8,
      time: 1_764_000_000 + i * 60,
    }));
    const bytes = encode(records, format, { path: Lwm2mPath.ROOT, models: EMPTY_MODEL_PROVIDER });
    const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(payload.length).toBeGreaterThan(3 * 1024);
    return payload;
  }

  /** Waits for the De-register sentinel, then returns every uplink of the endpoint, in order. */
  async function uplinksUntilDeregistration(endpoint: string): Promise<UplinkMessage[]> {
    const done = await world.waitForUplinks(
      (u) => u.endpoint === endpoint && u.kind === 'deregistration',
      1,
      30_000,
    );
    expect(done).toHaveLength(1);
    return world.uplinks.filter((u) => u.endpoint === endpoint);
  }

  /**
   * The Send went in Block1 blocks of `blockSize` bytes (RFC 7959 §2.5): NUM 0..n-1, M set on all but the last, each answered
   * 2.31 Continue echoing its Block1 (§2.3), the last answered 2.04 with Block1 NUM n-1 and M=0 (§2.9.1).
   */
  function expectBlock1Send(payload: Buffer, blockSize = 1024): void {
    const blocks = Math.ceil(payload.length / blockSize);
    const szx = Math.log2(blockSize) - 4;
    const isSend = (m: CoapMessage) => m.code === CoapCode.POST && uriPathOf(m).join('/') === 'dp';
    const sent = relay.messages('up').filter(isSend);
    expect(sent.map((m) => blockOf(m, CoapOption.Block1))).toEqual(
      Array.from({ length: blocks }, (_, num) => ({ num, more: num < blocks - 1, szx })),
    );
    expect(Buffer.concat(sent.map((m) => m.payload)).equals(payload)).toBe(true);
    // Piggybacked on the ACKs (RFC 7252 §5.2.1); matched by message id, as libcoap reuses tokens across runs.
    const ids = new Set(sent.map((m) => m.messageId));
    const answers = relay
      .messages('down')
      .filter(
        (m) => m.type === CoapType.Acknowledgement && ids.has(m.messageId) && m.code !== CoapCode.Empty,
      );
    expect(answers.map((m) => [formatCode(m.code), blockOf(m, CoapOption.Block1)?.num])).toEqual([
      ...Array.from({ length: blocks - 1 }, (_, num) => ['2.31', num]),
      ['2.04', blocks - 1],
    ]);
  }

  function expectOneWholeSend(uplinks: UplinkMessage[], payload: Buffer, contentFormat: number): void {
    expect(uplinks.map((u) => u.kind)).toEqual(['registration', 'send', 'deregistration']);
    const send = uplinks[1]!;
    if (send.kind !== 'send') throw new Error('not a send');
    expect(send.contentFormat).toBe(contentFormat);
    expect(Buffer.from(send.payload, 'base64').equals(payload)).toBe(true);
  }

  it.each([1024, 256])('libcoap coap-client-notls -b %d (SenML JSON)', async (blockSize) => {
    const endpoint = endpointOf(`libcoap${blockSize}`);
    const payload = largeSend(ContentFormat.SENML_JSON);
    const file = join(scratch.path, 'send.json');
    await writeFile(file, payload);
    // `-p` keeps the source port: the Send must come from the registered address (STACK.md).
    const port = String(await freeUdpPort());
    const register = await libcoapClient([
      '-p',
      port,
      '-m',
      'post',
      '-t',
      '40',
      '-e',
      '</1/0>,</3/0>,</3303/0>',
      `${base}/rd?ep=${endpoint}&lt=300&lwm2m=1.1&b=U`,
    ]);
    expect(register.stdout + register.stderr).toMatch(/c:2\.01/);
    const id = /Location-Path:rd, Location-Path:([a-z2-7]+)/.exec(register.stdout + register.stderr)?.[1];
    expect(id).toBeDefined();

    const send = await libcoapClient([
      '-p',
      port,
      '-m',
      'post',
      '-t',
      '110',
      '-b',
      String(blockSize),
      '-f',
      file,
      `${base}/dp`,
    ]);
    expect(send.code).toBe(0);
    expect(send.stdout + send.stderr).toMatch(/c:2\.04/);

    const deregister = await libcoapClient(['-p', port, '-m', 'delete', `${base}/rd/${id}`]);
    expect(deregister.stdout + deregister.stderr).toMatch(/c:2\.02/);
    expectBlock1Send(payload, blockSize);
    expectOneWholeSend(await uplinksUntilDeregistration(endpoint), payload, ContentFormat.SENML_JSON);
  });

  it('aiocoap (SenML CBOR)', async () => {
    const endpoint = endpointOf('aiocoap');
    const payload = largeSend(ContentFormat.SENML_CBOR);
    const file = join(scratch.path, 'send.cbor');
    await writeFile(file, payload);
    const events = await aiocoap(['lwm2m-send', base, endpoint, file, String(ContentFormat.SENML_CBOR)]);
    expect(events.map((e) => [e.event, e.code])).toEqual([
      ['registered', '2.01'],
      ['sent', '2.04'],
      ['deregistered', '2.02'],
    ]);
    expectBlock1Send(payload);
    expectOneWholeSend(await uplinksUntilDeregistration(endpoint), payload, ContentFormat.SENML_CBOR);
  });

  it('node-coap with a Block1 option (SenML JSON)', async () => {
    const endpoint = endpointOf('nodecoap');
    const payload = largeSend(ContentFormat.SENML_JSON);
    const peer = new NodeCoapPeer();
    await peer.start();
    try {
      const port = Number(new URL(base).port);
      const registered = await peer.request(
        {
          port,
          method: 'POST',
          pathname: '/rd',
          query: `ep=${endpoint}&lt=300&lwm2m=1.1&b=U`,
          contentFormat: 'application/link-format',
        },
        Buffer.from('</1/0>,</3/0>,</3303/0>'),
      );
      expect(registered.code).toBe('2.01');
      const location = registered._packet.options
        ?.filter((o) => o.name === 'Location-Path')
        .map((o) => o.value.toString());
      expect(location?.[0]).toBe('rd');

      // node-coap segments a request body only when asked: the first byte of the Block1 value is the SZX (6).
      const sent = await peer.request(
        {
          port,
          method: 'POST',
          pathname: '/dp',
          contentFormat: ContentFormat.SENML_JSON,
          options: { Block1: Buffer.of(6) },
        },
        payload,
      );
      expect(sent.code).toBe('2.04');

      const deregistered = await peer.request({
        port,
        method: 'DELETE',
        pathname: `/${location!.join('/')}`,
      });
      expect(deregistered.code).toBe('2.02');
    } finally {
      await peer.close();
    }
    expectBlock1Send(payload);
    expectOneWholeSend(await uplinksUntilDeregistration(endpoint), payload, ContentFormat.SENML_JSON);
  });
});
