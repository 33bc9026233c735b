import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { AlarmRuleSet, MeasurementNormalizer } from '@smartcity/ucifi-normalize';
import { DecoderError, DecoderErrorCode } from '../decoder.errors';
import { senmlSend, senmlSeries } from '../testing/uplinks';
import { UplinkProcessor } from './uplink-processor';

const registry = loadBundledRegistry();
const processor = new UplinkProcessor(registry, new MeasurementNormalizer(registry), () =>
  AlarmRuleSet.defaults(),
);
const device = { tenant: 'lyon', endpoint: 'ep-1', deviceId: '6f1c1a52-8f43-4a3e-9a59-5e3c3a0f0d11' };
const origin = { topic: 'lwm2m.uplink.v1', partition: 0, offset: '0' };
const bytes = (m: unknown) => Buffer.from(JSON.stringify(m));

describe('UplinkProcessor', () => {
  it('decodes a SenML Send of 50 records of one resource into 50 values at the records times', () => {
    const base = 1_764_000_000;
    const decoded = processor.process(
      bytes(senmlSend(device, senmlSeries('/3303/0/5700', base, 50))),
      origin,
    );
    expect(decoded.kind).toBe('data');
    if (decoded.kind !== 'data') return;
    expect(decoded.values).toHaveLength(50);
    expect(decoded.values.map((v) => v.timeSec)).toEqual(Array.from({ length: 50 }, (_, i) => base + i * 60));
    expect(decoded.values[0]).toMatchObject({ path: '/3303/0/5700', valueNum: 20, valueBool: null });
  });

  it('gives values without a time the receive time, so a replay yields the same keys', () => {
    const receivedAt = 1_764_000_123_456;
    const msg = bytes(senmlSend(device, [{ n: '/3303/0/5700', v: 21.5 }], receivedAt));
    const a = processor.process(msg, origin);
    const b = processor.process(msg, origin);
    expect(a.kind === 'data' && a.values[0]?.timeSec).toBe(receivedAt / 1000);
    expect(b).toEqual(a);
  });

  it('resolves SenML relative times against the receive time, not the clock (RFC 8428 §4.5.3)', () => {
    const receivedAt = 1_764_000_000_000;
    const decoded = processor.process(
      bytes(senmlSend(device, [{ n: '/3303/0/5700', t: -30, v: 1 }], receivedAt)),
      origin,
    );
    expect(decoded.kind === 'data' && decoded.values[0]?.timeSec).toBe(receivedAt / 1000 - 30);
  });

  it('stores a value stamped in 2100 at the receive time, flagged in its quality with the device time', () => {
    const receivedAt = 1_764_000_000_000;
    const decoded = processor.process(
      bytes(senmlSend(device, [{ n: '/3303/0/5700', t: 4_102_444_800, v: 1 }], receivedAt)),
      origin,
    );
    if (decoded.kind !== 'data') throw new Error('not data');
    expect(decoded.values[0]?.timeSec).toBe(receivedAt / 1000);
    expect(JSON.parse(decoded.values[0]!.quality!)).toEqual({
      timeSource: 'received',
      deviceTime: 4_102_444_800,
    });
    expect(decoded.timesReplaced).toEqual({ future: 1, past: 0 });
  });

  it('gives untimed values of a retry the first attempt receive time the ingest marked (5.03, then Max-Age)', () => {
    const first = 1_764_000_000_000;
    const retry = {
      ...senmlSend(device, [{ n: '/3303/0/5700', v: 2 }], first + 5000),
      firstReceivedAt: first,
    };
    const decoded = processor.process(bytes(retry), origin);
    expect(decoded.kind === 'data' && decoded.values[0]?.timeSec).toBe(first / 1000);
  });

  it.each([
    ['later than the receive time', 1_764_000_005_001],
    ['more than an hour before it', 1_764_000_005_000 - 3_600_001],
  ])('ignores a firstReceivedAt %s', (_name, firstReceivedAt) => {
    const receivedAt = 1_764_000_005_000;
    const msg = { ...senmlSend(device, [{ n: '/3303/0/5700', v: 2 }], receivedAt), firstReceivedAt };
    const decoded = processor.process(bytes(msg), origin);
    expect(decoded.kind === 'data' && decoded.values[0]?.timeSec).toBe(receivedAt / 1000);
  });

  it.each([
    ['not JSON', Buffer.from('{oops'), DecoderErrorCode.ContractViolation],
    ['empty value', null, DecoderErrorCode.ContractViolation],
    ['a message of another schema', bytes({ v: 2, kind: 'send' }), DecoderErrorCode.ContractViolation],
    [
      'a payload that is not SenML',
      bytes({ ...senmlSend(device, []), payload: Buffer.from('[{').toString('base64') }),
      DecoderErrorCode.PayloadUndecodable,
    ],
    [
      'an unsupported content format',
      bytes({ ...senmlSend(device, []), contentFormat: 9999 }),
      DecoderErrorCode.PayloadUndecodable,
    ],
  ])('refuses %s with a poison error', (_name, value, code) => {
    let error: unknown;
    try {
      processor.process(value, origin);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DecoderError);
    expect((error as DecoderError).code).toBe(code);
    expect((error as DecoderError).poison).toBe(true);
  });
});
