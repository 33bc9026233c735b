import {
  CoapCode,
  CoapOption,
  CoapType,
  parseCoapMessage,
  uintOptionOf,
  uriPathOf,
  uriQueryOf,
} from '@smartcity/coap';
import { ContentFormat, decode } from '@smartcity/lwm2m-codec';
import { EMPTY_MODEL_PROVIDER, Lwm2mPath, parseLinkFormat } from '@smartcity/lwm2m-core';
import {
  buildDeregister,
  buildRegister,
  buildSendTemplate,
  endpointName,
  REPORT_PATHS,
  reportValue,
  seqOfValue,
  tokenDevice,
  tokenExchange,
  writeSend,
} from './lean-datagrams';

const template = buildSendTemplate();

describe('lean datagrams', () => {
  it('a Send is a CON POST /dp in SenML CBOR with this message id and token', () => {
    const m = parseCoapMessage(writeSend(template, 0xbeef, 1234, 0xfffffffe, 7, 1764770000.5));
    expect(m.type).toBe(CoapType.Confirmable);
    expect(m.code).toBe(CoapCode.POST);
    expect(m.messageId).toBe(0xbeef);
    expect(uriPathOf(m)).toEqual(['dp']);
    expect(uintOptionOf(m, CoapOption.ContentFormat)).toBe(ContentFormat.SENML_CBOR);
    expect(m.token.readUInt32BE(0)).toBe(1234);
    expect(m.token.readUInt32BE(4)).toBe(0xfffffffe);
  });

  it.each([
    [0, 1764770000.001],
    [1, 1764770000],
    [123_456, 1764770123.999],
  ])('a Send of message %d decodes to its own values, all at its time %d', (seq, time) => {
    const m = parseCoapMessage(writeSend(template, 1, 2, 3, seq, time));
    const records = decode(m.payload, ContentFormat.SENML_CBOR, {
      path: Lwm2mPath.ROOT,
      models: EMPTY_MODEL_PROVIDER,
    });
    expect(records.map((r) => r.path.toString())).toEqual([...REPORT_PATHS]);
    expect(records.map((r) => r.value)).toEqual(REPORT_PATHS.map((_p, k) => reportValue(k, seq)));
    expect(records.map((r) => r.time)).toEqual(REPORT_PATHS.map(() => time));
  });

  it('patching leaves the template alone (each datagram is a copy)', () => {
    const before = Buffer.from(template.bytes);
    writeSend(template, 9, 9, 9, 9, 9);
    expect(template.bytes.equals(before)).toBe(true);
  });

  it('values are unique per path and message, and give their message back', () => {
    for (const seq of [0, 1, 2, 1023, 1024, 999_999]) {
      REPORT_PATHS.forEach((_p, k) => {
        expect(seqOfValue(k, reportValue(k, seq))).toBe(seq);
        expect(reportValue(k, seq + 1)).toBeGreaterThan(reportValue(k, seq));
      });
    }
  });

  it('a Register carries the endpoint, lifetime, version 1.1 and the object links with 3428 at version 2.0', () => {
    const m = parseCoapMessage(buildRegister(endpointName('bench-', 42), 600, 77, 42, 1));
    expect(m.type).toBe(CoapType.Confirmable);
    expect(m.code).toBe(CoapCode.POST);
    expect(m.messageId).toBe(77);
    expect(uriPathOf(m)).toEqual(['rd']);
    expect(uriQueryOf(m)).toEqual(['ep=bench-00042', 'lt=600', 'lwm2m=1.1']);
    expect(uintOptionOf(m, CoapOption.ContentFormat)).toBe(ContentFormat.LINK);
    const links = parseLinkFormat(m.payload.toString('utf8'));
    expect(links.map((l) => l.uri)).toEqual(['/', '/1/0', '/3/0', '/3428', '/3428/0']);
    expect(links[3]?.attributes).toEqual([{ name: 'ver', value: '2.0' }]);
    expect(tokenDevice(buildRegister('x', 60, 0, 42, 5))).toBe(42);
  });

  it('a De-register is a CON DELETE of the registration location', () => {
    const m = parseCoapMessage(buildDeregister(['rd', 'a1b2'], 5, 3, 4));
    expect(m.code).toBe(CoapCode.DELETE);
    expect(uriPathOf(m)).toEqual(['rd', 'a1b2']);
    expect(m.payload.length).toBe(0);
  });

  it('the token gives back its device and exchange; a token of another length is not ours', () => {
    const d = writeSend(template, 1, 65_537, 4_000_000_000, 0, 1);
    expect(tokenDevice(d)).toBe(65_537);
    expect(tokenExchange(d)).toBe(4_000_000_000);
    const fourByteToken = Buffer.from([0x64, 0x44, 0, 1, 1, 2, 3, 4]);
    expect(tokenDevice(fourByteToken)).toBe(-1);
    expect(tokenDevice(Buffer.from([0x68, 0x44, 0, 1]))).toBe(-1); // truncated
  });
});
