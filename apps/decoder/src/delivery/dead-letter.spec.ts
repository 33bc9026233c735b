import { DecoderError, DecoderErrorCode } from '../decoder.errors';
import { deadLetterMessage, DLQ_HEADERS } from './dead-letter';

describe('deadLetterMessage', () => {
  const origin = { topic: 'lwm2m.uplink.v1', partition: 4, offset: '1234' };
  const now = new Date('2026-11-25T10:00:00.000Z');

  it('keeps the original key, value and headers and adds the error headers', () => {
    const msg = deadLetterMessage(
      {
        origin,
        key: 'lyon/ep-1',
        value: Buffer.from('{bad'),
        headers: { 'schema-version': '1' },
        error: new DecoderError(DecoderErrorCode.ContractViolation, 'lwm2m.uplink.v1: not JSON'),
        attempts: 1,
      },
      now,
    );
    expect(msg.key).toBe('lyon/ep-1');
    expect(msg.value.toString()).toBe('{bad');
    expect(msg.headers).toEqual({
      'schema-version': '1',
      [DLQ_HEADERS.errorCode]: 'CONTRACT_VIOLATION',
      [DLQ_HEADERS.errorMessage]: 'lwm2m.uplink.v1: not JSON',
      [DLQ_HEADERS.attempts]: '1',
      [DLQ_HEADERS.originTopic]: 'lwm2m.uplink.v1',
      [DLQ_HEADERS.originPartition]: '4',
      [DLQ_HEADERS.originOffset]: '1234',
      [DLQ_HEADERS.failedAt]: '2026-11-25T10:00:00.000Z',
    });
  });

  it('labels errors that are not decoder errors UNEXPECTED and truncates long messages', () => {
    const msg = deadLetterMessage(
      { origin, key: null, value: null, headers: {}, error: new Error('x'.repeat(5000)), attempts: 3 },
      now,
    );
    expect(msg.key).toBe('');
    expect(msg.value.length).toBe(0);
    expect(msg.headers?.[DLQ_HEADERS.errorCode]).toBe('UNEXPECTED');
    expect(msg.headers?.[DLQ_HEADERS.errorMessage]).toHaveLength(1000);
    expect(msg.headers?.[DLQ_HEADERS.attempts]).toBe('3');
  });
});
