import { parseCoapMessage, serializeCoapMessage } from '../message/coap-codec';
import { CoapCode, CoapOption, CoapType, uintOption, uintOptionOf } from '../message/coap-message';
import { EndpointPair } from '../testing/endpoint-pair';
import { flushMicrotasks } from '../time/fake-clock';
import { CoapRequestError } from '../exchange/exchange-types';
import { blockOf, blockOption } from './block-option';

const body = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));

describe('Block2: large responses (RFC 7959 §2.4)', () => {
  it('serves a large response in blocks and the client reassembles it', async () => {
    const pair = new EndpointPair();
    let calls = 0;
    pair.server.setRequestHandler((ex) => {
      calls++;
      ex.respond(CoapCode.Content, [uintOption(CoapOption.ContentFormat, 112)], body(3000));
    });
    await pair.start();
    const response = await pair.client.request(pair.serverPeer, { code: CoapCode.GET });
    expect(response.payload.equals(body(3000))).toBe(true);
    expect(calls).toBe(1); // later blocks come from the body cache
    const blocks = pair.sentBy(pair.serverPort).map((m) => blockOf(m, CoapOption.Block2));
    expect(blocks).toEqual([
      { num: 0, more: true, szx: 6 },
      { num: 1, more: true, szx: 6 },
      { num: 2, more: false, szx: 6 },
    ]);
    expect(uintOptionOf(pair.sentBy(pair.serverPort)[0]!, CoapOption.Size2)).toBe(3000);
  });

  it('completes when block datagrams are lost (each block is retransmitted)', async () => {
    const pair = new EndpointPair();
    pair.server.setRequestHandler((ex) => ex.respond(CoapCode.Content, [], body(2500)));
    await pair.start();
    let lost = 0;
    pair.network.drop = (r) => r.from === pair.serverPort && lost++ % 2 === 0 && lost < 6;
    const response = pair.client.request(pair.serverPeer, { code: CoapCode.GET });
    for (let i = 0; i < 40; i++) {
      pair.clock.advance(1000);
      await flushMicrotasks();
    }
    expect((await response).payload.equals(body(2500))).toBe(true);
  });

  it('honours a smaller block size asked by the client, and regenerates the body when not cached', async () => {
    const pair = new EndpointPair();
    pair.server.setRequestHandler((ex) => ex.respond(CoapCode.Content, [], body(100)));
    await pair.server.start();
    const raw = pair.network.transport(7100);
    const got: Buffer[] = [];
    await raw.start((d) => got.push(d));
    const ask = (num: number, mid: number) =>
      serializeCoapMessage({
        type: CoapType.Confirmable,
        code: CoapCode.GET,
        messageId: mid,
        token: Buffer.of(mid),
        options: [blockOption(CoapOption.Block2, { num, more: false, szx: 1 })], // 32-byte blocks
        payload: Buffer.alloc(0),
      });
    raw.send(ask(2, 1), pair.serverPeer);
    raw.send(ask(3, 2), pair.serverPeer);
    raw.send(ask(4, 3), pair.serverPeer);
    await flushMicrotasks();
    const answers = got.map((d) => parseCoapMessage(d));
    expect(answers[0]!.payload.equals(body(100).subarray(64, 96))).toBe(true);
    expect(blockOf(answers[1]!, CoapOption.Block2)).toEqual({ num: 3, more: false, szx: 1 });
    expect(answers[2]!.code).toBe(CoapCode.BadOption); // beyond the end
  });

  it('fails the request when the body exceeds the limit', async () => {
    const pair = new EndpointPair({}, { block: { maxBodyBytes: 1500 } });
    pair.server.setRequestHandler((ex) => ex.respond(CoapCode.Content, [], body(4000)));
    await pair.start();
    const err = await pair.client.request(pair.serverPeer, { code: CoapCode.GET }).catch((e) => e);
    expect(err).toBeInstanceOf(CoapRequestError);
    expect((err as CoapRequestError).reason).toBe('block');
  });

  it('delivers a large notification whole: the observer fetches the later blocks (§2.6)', async () => {
    const pair = new EndpointPair();
    let token: Buffer | undefined;
    pair.server.setRequestHandler((ex) => {
      token = ex.request.token;
      ex.respond(CoapCode.Content, [uintOption(CoapOption.Observe, 1)], Buffer.from('small'));
    });
    await pair.start();
    const seen: Buffer[] = [];
    await pair.client.request(pair.serverPeer, {
      code: CoapCode.GET,
      options: [uintOption(CoapOption.Observe, 0), { number: CoapOption.UriPath, value: Buffer.from('x') }],
      onNotification: async (n) => {
        seen.push(n.payload);
        return true;
      },
    });
    const outcome = await pair.server.notify(
      pair.clientPeer,
      token!,
      { code: CoapCode.Content, options: [uintOption(CoapOption.Observe, 2)], payload: body(2100) },
      true,
    );
    expect(outcome).toBe('acked');
    for (let i = 0; i < 5; i++) await flushMicrotasks();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.equals(body(2100))).toBe(true);
  });
});

describe('Block1: large requests (RFC 7959 §2.5)', () => {
  it('uploads a large body in blocks; the handler sees it once, whole, and the last response echoes Block1', async () => {
    const pair = new EndpointPair();
    const bodies: Buffer[] = [];
    pair.server.setRequestHandler((ex) => {
      bodies.push(ex.request.payload);
      ex.respond(CoapCode.Changed);
    });
    await pair.start();
    const response = await pair.client.request(pair.serverPeer, { code: CoapCode.POST, payload: body(5000) });
    expect(response.message.code).toBe(CoapCode.Changed);
    expect(blockOf(response.message, CoapOption.Block1)).toEqual({ num: 4, more: false, szx: 6 });
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.equals(body(5000))).toBe(true);
    const sent = pair.sentBy(pair.clientPort);
    expect(uintOptionOf(sent[0]!, CoapOption.Size1)).toBe(5000);
    expect(pair.sentBy(pair.serverPort).map((m) => m.code)).toEqual([
      CoapCode.Continue,
      CoapCode.Continue,
      CoapCode.Continue,
      CoapCode.Continue,
      CoapCode.Changed,
    ]);
  });

  it('continues with the smaller block size the server asks for', async () => {
    const pair = new EndpointPair({ block: { preferredSzx: 4 } }); // 256-byte blocks at the server
    const bodies: Buffer[] = [];
    pair.server.setRequestHandler((ex) => {
      bodies.push(ex.request.payload);
      ex.respond(CoapCode.Changed);
    });
    await pair.start();
    await pair.client.request(pair.serverPeer, { code: CoapCode.POST, payload: body(2000) });
    expect(bodies[0]!.equals(body(2000))).toBe(true);
    const sizes = pair.sentBy(pair.clientPort).map((m) => m.payload.length);
    expect(sizes).toEqual([1024, 256, 256, 256, 208]);
  });

  it('refuses a body above the limit with 4.13 and Size1 (§2.9.3)', async () => {
    const pair = new EndpointPair({ block: { maxBodyBytes: 3000 } });
    pair.server.setRequestHandler((ex) => ex.respond(CoapCode.Changed));
    await pair.start();
    const response = await pair.client.request(pair.serverPeer, { code: CoapCode.POST, payload: body(5000) });
    expect(response.message.code).toBe(CoapCode.RequestEntityTooLarge);
    expect(uintOptionOf(response.message, CoapOption.Size1)).toBe(3000);
  });

  it('answers a block out of sequence with 4.08 (§2.9.2) and a non-final short block with 4.00', async () => {
    const pair = new EndpointPair();
    pair.server.setRequestHandler((ex) => ex.respond(CoapCode.Changed));
    await pair.server.start();
    const raw = pair.network.transport(7200);
    const got: Buffer[] = [];
    await raw.start((d) => got.push(d));
    const block = (num: number, more: boolean, size: number, mid: number) =>
      serializeCoapMessage({
        type: CoapType.Confirmable,
        code: CoapCode.POST,
        messageId: mid,
        token: Buffer.of(mid),
        options: [
          { number: CoapOption.UriPath, value: Buffer.from('dp') },
          blockOption(CoapOption.Block1, { num, more, szx: 2 }),
        ],
        payload: Buffer.alloc(size, 1),
      });
    raw.send(block(0, true, 64, 1), pair.serverPeer);
    raw.send(block(2, true, 64, 2), pair.serverPeer); // block 1 skipped
    raw.send(block(0, true, 10, 3), pair.serverPeer);
    await flushMicrotasks();
    expect(got.map((d) => parseCoapMessage(d).code)).toEqual([
      CoapCode.Continue,
      CoapCode.RequestEntityIncomplete,
      CoapCode.BadRequest,
    ]);
  });

  it('bounds concurrent transfers per peer and drops idle ones after the timeout', async () => {
    const pair = new EndpointPair({ block: { maxTransfersPerPeer: 1, transferTimeoutMs: 5000 } });
    pair.server.setRequestHandler((ex) => ex.respond(CoapCode.Changed));
    await pair.server.start();
    const raw = pair.network.transport(7300);
    const got: Buffer[] = [];
    await raw.start((d) => got.push(d));
    const first = (path: string, mid: number) =>
      serializeCoapMessage({
        type: CoapType.Confirmable,
        code: CoapCode.POST,
        messageId: mid,
        token: Buffer.of(mid),
        options: [
          { number: CoapOption.UriPath, value: Buffer.from(path) },
          blockOption(CoapOption.Block1, { num: 0, more: true, szx: 0 }),
        ],
        payload: Buffer.alloc(16, 1),
      });
    raw.send(first('a', 1), pair.serverPeer);
    raw.send(first('b', 2), pair.serverPeer);
    await flushMicrotasks();
    pair.clock.advance(5000);
    raw.send(first('c', 3), pair.serverPeer);
    await flushMicrotasks();
    expect(got.map((d) => parseCoapMessage(d).code)).toEqual([
      CoapCode.Continue,
      CoapCode.ServiceUnavailable,
      CoapCode.Continue,
    ]);
  });
});
