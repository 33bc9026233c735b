import { CoapCode, CoapOption, uintOptionOf } from '@smartcity/coap';
import { ContentFormat, decode } from '@smartcity/lwm2m-codec';
import { Lwm2mPath, SECURITY_1_2, SERVER_1_2, staticModelProvider } from '@smartcity/lwm2m-core';
import { type CoapRequestShape } from '@smartcity/lwm2m-server';
import { typeObjectWrites } from '@smartcity/platform-db';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import {
  type BootstrapChannel,
  freeInstanceId,
  runBootstrapSequence,
  securityInstancesIn,
} from './bootstrap-sequence';
import { type ServerAccount, serverInstance, writeFormatFor } from './bootstrap-writes';

const account: ServerAccount = {
  serverUri: 'coaps://127.0.0.1:5684',
  shortServerId: 1,
  lifetime: 300,
  binding: 'U',
  pskIdentity: 'lamp-1',
  pskKey: Buffer.from('00112233445566778899aabbccddeeff', 'hex'),
  defaultMinPeriod: null,
  defaultMaxPeriod: null,
  objectWrites: [],
};
const models = staticModelProvider([SECURITY_1_2, SERVER_1_2]);

interface Seen {
  readonly method: number;
  readonly path: string;
  readonly shape: CoapRequestShape;
}

const pathOf = (shape: CoapRequestShape) =>
  '/' +
  shape.options
    .filter((o) => o.number === CoapOption.UriPath)
    .map((o) => o.value.toString())
    .join('/');

/**
 * A device that answers per "METHOD /path" (default: the success code of each step; a Bootstrap-Discover lists
 * /0/0; a Bootstrap-Read is refused 4.05 as a LwM2M 1.0 client does).
 */
function device(answers: Record<string, { code: number; payload?: string }> = {}) {
  const seen: Seen[] = [];
  const channel: BootstrapChannel = (shape) => {
    const path = pathOf(shape);
    seen.push({ method: shape.code, path, shape });
    const key = `${shape.code === CoapCode.GET ? 'GET' : shape.code === CoapCode.PUT ? 'PUT' : shape.code === CoapCode.DELETE ? 'DELETE' : 'POST'} ${path}`;
    const a = answers[key];
    if (a) return Promise.resolve({ code: a.code, payload: Buffer.from(a.payload ?? '') });
    const discover = uintOptionOf({ options: shape.options } as never, CoapOption.Accept) === 40;
    const code =
      shape.code === CoapCode.DELETE
        ? CoapCode.Deleted
        : shape.code === CoapCode.GET
          ? discover
            ? CoapCode.Content
            : CoapCode.MethodNotAllowed
          : CoapCode.Changed;
    const payload = shape.code === CoapCode.GET && discover ? '</>;lwm2m=1.1,</0/0>' : '';
    return Promise.resolve({ code, payload: Buffer.from(payload) });
  };
  return { seen, channel };
}

describe('runBootstrapSequence (LwM2M Core 1.1.1 §6.1.3, §6.1.7)', () => {
  it('deletes /0 and /1, discovers /0, writes the security and server instances, reads back, then finishes', async () => {
    const d = device();
    const outcome = await runBootstrapSequence(d.channel, account, { contentFormat: ContentFormat.TLV });
    expect(outcome).toEqual({
      outcome: 'finished',
      securityInstance: 1,
      serverInstance: 0,
      objectWrites: [],
      skipped: [],
      verified: false,
    });
    expect(d.seen.map((s) => `${s.method}:${s.path}`)).toEqual([
      `${CoapCode.DELETE}:/0`,
      `${CoapCode.DELETE}:/1`,
      `${CoapCode.GET}:/0`,
      `${CoapCode.PUT}:/0/1`,
      `${CoapCode.PUT}:/1/0`,
      `${CoapCode.GET}:/1/0`,
      `${CoapCode.POST}:/bs`,
    ]);
    // Bootstrap-Read asks for the format written (Core 1.1.1 §6.1.7.3).
    expect(uintOptionOf({ options: d.seen[5]!.shape.options } as never, CoapOption.Accept)).toBe(
      ContentFormat.TLV,
    );
    // Bootstrap-Discover is a GET with Accept: link-format (Transport 1.1.1 §6.3).
    expect(uintOptionOf({ options: d.seen[2]!.shape.options } as never, CoapOption.Accept)).toBe(40);
  });

  it('writes the LwM2M server account as PSK (Security Mode 0) with the generated key, not a bootstrap one', async () => {
    const d = device();
    await runBootstrapSequence(d.channel, account, { contentFormat: ContentFormat.TLV });
    const security = d.seen[3]!.shape;
    expect(uintOptionOf({ options: security.options } as never, CoapOption.ContentFormat)).toBe(
      ContentFormat.TLV,
    );
    const records = decode(security.payload!, ContentFormat.TLV, { path: new Lwm2mPath(0, 1), models });
    const value = (id: number) => records.find((r) => r.path.resourceId === id)?.value;
    expect(value(0)).toBe('coaps://127.0.0.1:5684');
    expect(value(1)).toBe(false);
    expect(value(2)).toBe(0);
    expect(Buffer.from(value(3) as Uint8Array).toString()).toBe('lamp-1');
    expect(Buffer.from(value(5) as Uint8Array)).toEqual(account.pskKey);
    expect(value(10)).toBe(1);
    const server = decode(d.seen[4]!.shape.payload!, ContentFormat.TLV, {
      path: new Lwm2mPath(1, 0),
      models,
    });
    expect(Object.fromEntries(server.map((r) => [r.path.resourceId, r.value]))).toEqual({
      0: 1,
      1: 300,
      6: false,
      7: 'U',
    });
  });

  it('writes in the client’s preferred content format when it names one we write (pct)', async () => {
    const d = device();
    await runBootstrapSequence(d.channel, account, { contentFormat: ContentFormat.SENML_CBOR });
    const records = decode(d.seen[4]!.shape.payload!, ContentFormat.SENML_CBOR, {
      path: new Lwm2mPath(1, 0),
      models,
    });
    expect(records.find((r) => r.path.resourceId === 1)?.value).toBe(300);
    expect(writeFormatFor(undefined)).toBe(ContentFormat.TLV);
    expect(writeFormatFor(ContentFormat.SENML_JSON)).toBe(ContentFormat.SENML_JSON);
    expect(writeFormatFor(ContentFormat.TEXT)).toBeUndefined();
  });

  it('takes a free security instance id: the bootstrap server’s own instance is kept (§6.1.7.5)', async () => {
    const d = device({ 'GET /0': { code: CoapCode.Content, payload: '</0/0>,</0/1>' } });
    const outcome = await runBootstrapSequence(d.channel, account, { contentFormat: ContentFormat.TLV });
    expect(outcome).toMatchObject({ outcome: 'finished', securityInstance: 2 });
    expect(d.seen.some((s) => s.method === CoapCode.DELETE && s.path === '/0/0')).toBe(false);
  });

  it('assumes the bootstrap account at /0/0 when the client has no Bootstrap-Discover (LwM2M 1.0)', async () => {
    const d = device({ 'GET /0': { code: CoapCode.MethodNotAllowed } });
    const outcome = await runBootstrapSequence(d.channel, account, { contentFormat: ContentFormat.TLV });
    expect(outcome).toMatchObject({ outcome: 'finished', securityInstance: 1 });
  });

  it.each([
    ['DELETE /0', 'delete-security', CoapCode.BadRequest, '4.00'],
    ['PUT /0/1', 'write-security', CoapCode.BadRequest, '4.00'],
    ['PUT /1/0', 'write-server', CoapCode.Unauthorized, '4.01'],
    ['POST /bs', 'finish', CoapCode.NotAcceptable, '4.06'],
  ])('stops at %s answered %s and reports the step (the device retries)', async (key, step, code, text) => {
    const d = device({ [key]: { code } });
    const outcome = await runBootstrapSequence(d.channel, account, { contentFormat: ContentFormat.TLV });
    expect(outcome).toEqual({ outcome: 'failed', step, code: text });
    expect(d.seen.at(-1)!.path).toBe(key.split(' ')[1]);
  });

  it('is aborted between steps and by a failing channel, without sending more', async () => {
    const abort = new AbortController();
    const d = device();
    const channel: BootstrapChannel = async (shape) => {
      const r = await d.channel(shape);
      if (shape.code === CoapCode.GET) abort.abort('superseded');
      return r;
    };
    const outcome = await runBootstrapSequence(channel, account, {
      contentFormat: ContentFormat.TLV,
      signal: abort.signal,
    });
    expect(outcome).toEqual({ outcome: 'aborted', step: 'write-security', reason: 'superseded' });
    expect(d.seen).toHaveLength(3);
    const timeout = Object.assign(new Error('no answer'), { reason: 'timeout' });
    const failed = await runBootstrapSequence(() => Promise.reject(timeout), account, {
      contentFormat: ContentFormat.TLV,
    });
    expect(failed).toEqual({ outcome: 'aborted', step: 'delete-security', reason: 'timeout' });
  });

  describe('server defaults, extra object writes and the read-back', () => {
    const lighting = typeObjectWrites(
      [{ path: '/3416/0', values: { '4': 40 }, categories: [] }],
      loadBundledRegistry(),
    );
    const configured: ServerAccount = {
      ...account,
      defaultMinPeriod: 60,
      defaultMaxPeriod: 900,
      objectWrites: lighting,
    };
    const readBackOf = (a: ServerAccount) => ({
      code: CoapCode.Content,
      payload: serverInstance(0, a, ContentFormat.TLV).payload.toString('latin1'),
    });
    /** The fake answers payloads as UTF-8 strings; a latin1 round trip keeps TLV bytes intact. */
    function binaryDevice(answers: Record<string, { code: number; payload?: string }>) {
      const d = device(answers);
      const channel: BootstrapChannel = async (shape) => {
        const r = await d.channel(shape);
        const a = answers[`GET ${pathOf(shape)}`];
        return a && shape.code === CoapCode.GET
          ? { ...r, payload: Buffer.from(a.payload ?? '', 'latin1') }
          : r;
      };
      return { seen: d.seen, channel };
    }

    it('writes the default periods (/1/x/2, /1/x/3) and the configured object, and verifies the account', async () => {
      const d = binaryDevice({ 'GET /1/0': readBackOf(configured) });
      const outcome = await runBootstrapSequence(d.channel, configured, { contentFormat: ContentFormat.TLV });
      expect(outcome).toEqual({
        outcome: 'finished',
        securityInstance: 1,
        serverInstance: 0,
        objectWrites: ['/3416/0'],
        skipped: [],
        verified: true,
      });
      const server = decode(d.seen[4]!.shape.payload!, ContentFormat.TLV, {
        path: new Lwm2mPath(1, 0),
        models,
      });
      expect(Object.fromEntries(server.map((r) => [r.path.resourceId, r.value]))).toMatchObject({
        2: 60,
        3: 900,
      });
      const object = d.seen[5]!;
      expect([object.method, object.path]).toEqual([CoapCode.PUT, '/3416/0']);
      const written = decode(object.shape.payload!, ContentFormat.TLV, {
        path: new Lwm2mPath(3416, 0),
        models: staticModelProvider([lighting[0]!.model]),
      });
      expect(written.find((r) => r.path.resourceId === 4)?.value).toBe(40);
    });

    it('skips an object the device does not have (4.04) and says so, still finishing', async () => {
      const d = binaryDevice({
        'PUT /3416/0': { code: CoapCode.NotFound },
        'GET /1/0': readBackOf(configured),
      });
      const outcome = await runBootstrapSequence(d.channel, configured, { contentFormat: ContentFormat.TLV });
      expect(outcome).toMatchObject({
        outcome: 'finished',
        objectWrites: [],
        skipped: [{ path: '/3416/0', code: '4.04' }],
        verified: true,
      });
    });

    it('fails on a server error to an object write (the device retries the whole sequence)', async () => {
      const d = device({ 'PUT /3416/0': { code: CoapCode.InternalServerError } });
      const outcome = await runBootstrapSequence(d.channel, configured, { contentFormat: ContentFormat.TLV });
      expect(outcome).toEqual({ outcome: 'failed', step: 'write-object', code: '5.00' });
      expect(d.seen.at(-1)!.path).toBe('/3416/0');
    });

    it.each<[string, ServerAccount]>([
      ['another lifetime', { ...configured, lifetime: 301 }],
      ['another min period', { ...configured, defaultMinPeriod: 61 }],
      ['another binding', { ...configured, binding: 'UQ' }],
    ])('fails when the read-back shows %s than written, before Bootstrap-Finish', async (_, shown) => {
      const d = binaryDevice({ 'GET /1/0': readBackOf(shown) });
      const outcome = await runBootstrapSequence(d.channel, configured, { contentFormat: ContentFormat.TLV });
      expect(outcome).toEqual({
        outcome: 'failed',
        step: 'read-server',
        code: '2.05',
        reason: 'read-back-mismatch',
      });
      expect(d.seen.some((s) => s.path === '/bs')).toBe(false);
    });

    it('fails on an undecodable read-back, and on a server error to it', async () => {
      const garbage = binaryDevice({ 'GET /1/0': { code: CoapCode.Content, payload: 'not tlv' } });
      expect(
        await runBootstrapSequence(garbage.channel, configured, { contentFormat: ContentFormat.TLV }),
      ).toMatchObject({
        outcome: 'failed',
        reason: 'read-back-mismatch',
      });
      const broken = device({ 'GET /1/0': { code: CoapCode.ServiceUnavailable } });
      expect(
        await runBootstrapSequence(broken.channel, configured, { contentFormat: ContentFormat.TLV }),
      ).toEqual({
        outcome: 'failed',
        step: 'read-server',
        code: '5.03',
      });
    });

    it('accepts binding letters in another order', async () => {
      const d = binaryDevice({ 'GET /1/0': readBackOf({ ...configured, binding: 'QU' }) });
      const outcome = await runBootstrapSequence(
        d.channel,
        { ...configured, binding: 'UQ' },
        {
          contentFormat: ContentFormat.TLV,
        },
      );
      expect(outcome).toMatchObject({ outcome: 'finished', verified: true });
    });
  });

  it('reads the security instances a Bootstrap-Discover lists, bounded, and the lowest free id', () => {
    expect([
      ...securityInstancesIn(Buffer.from('</>;lwm2m=1.1,</0/0>;uri="coaps://bs",</1>,</3/0>')),
    ]).toEqual([0]);
    expect([...securityInstancesIn(Buffer.from('not a link'))]).toEqual([0]);
    expect(freeInstanceId(new Set([0, 1, 3]))).toBe(2);
  });
});
