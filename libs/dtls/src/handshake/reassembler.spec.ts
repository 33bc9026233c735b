import { DtlsError } from '../errors';
import { encodeHandshakeFragment, fragmentMessage, parseHandshakeFragments } from './handshake-fragment';
import { HandshakeReassembler } from './reassembler';

const limits = { maxMessageBytes: 1000, maxBufferedBytes: 1500, maxMessagesAhead: 4 };
const body = Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff));

describe('handshake fragments (RFC 6347 §4.2.2-§4.2.3)', () => {
  it('fragments a message to fit and parses the fragments back', () => {
    const frags = fragmentMessage(11, 3, body, 112);
    expect(frags).toHaveLength(3);
    const wire = Buffer.concat(frags.map(encodeHandshakeFragment));
    const back = parseHandshakeFragments(wire);
    expect(back.map((f) => [f.offset, f.data.length, f.length, f.messageSeq])).toEqual([
      [0, 100, 300, 3],
      [100, 100, 300, 3],
      [200, 100, 300, 3],
    ]);
  });

  it.each<[string, Buffer]>([
    ['a truncated header', Buffer.alloc(11)],
    ['a fragment longer than the record', Buffer.from('0b000010000000000000000010aa', 'hex')],
    ['a fragment beyond the message length', Buffer.from('0b000004000000000002000004aabbccdd', 'hex')],
  ])('refuses %s', (_name, wire) => {
    expect(() => parseHandshakeFragments(wire)).toThrow(DtlsError);
  });
});

describe('HandshakeReassembler', () => {
  it('reassembles out-of-order and overlapping fragments, then releases messages in message_seq order', () => {
    const r = new HandshakeReassembler(limits, 0);
    const m1 = fragmentMessage(11, 1, body, 62); // 50-byte pieces
    const m0 = fragmentMessage(2, 0, Buffer.from('hello'), 100);
    for (const f of [...m1].reverse()) r.add(f, 0);
    r.add({ ...m1[1]!, offset: 40, data: body.subarray(40, 120) }, 0); // overlap
    expect(r.next()).toBeUndefined(); // message 0 still missing
    r.add(m0[0]!, 0);
    expect(r.next()?.body.toString()).toBe('hello');
    const second = r.next();
    expect(second?.body.equals(body)).toBe(true);
    expect(r.expectedSeq).toBe(2);
    expect(r.bufferedBytes).toBe(0);
  });

  it('classifies old, too-far, oversized and inconsistent fragments', () => {
    const r = new HandshakeReassembler(limits, 2);
    expect(r.add({ msgType: 1, length: 5, messageSeq: 1, offset: 0, data: Buffer.alloc(5) }, 0)).toBe('old');
    expect(r.add({ msgType: 1, length: 5, messageSeq: 6, offset: 0, data: Buffer.alloc(5) }, 0)).toBe(
      'too_far',
    );
    expect(r.add({ msgType: 1, length: 1001, messageSeq: 2, offset: 0, data: Buffer.alloc(1) }, 0)).toBe(
      'too_large',
    );
    expect(r.add({ msgType: 1, length: 10, messageSeq: 2, offset: 0, data: Buffer.alloc(1) }, 0)).toBe(
      'buffered',
    );
    expect(r.add({ msgType: 2, length: 10, messageSeq: 2, offset: 1, data: Buffer.alloc(1) }, 0)).toBe(
      'inconsistent',
    );
    expect(r.add({ msgType: 1, length: 11, messageSeq: 2, offset: 1, data: Buffer.alloc(1) }, 0)).toBe(
      'inconsistent',
    );
  });

  it('bounds the bytes buffered across messages and the ranges per message', () => {
    const r = new HandshakeReassembler(limits, 0);
    expect(r.add({ msgType: 1, length: 1000, messageSeq: 0, offset: 0, data: Buffer.alloc(1) }, 0)).toBe(
      'buffered',
    );
    expect(r.add({ msgType: 1, length: 600, messageSeq: 1, offset: 0, data: Buffer.alloc(1) }, 0)).toBe(
      'buffer_full',
    );
    let outcome = '';
    for (let off = 2; off < 1000 && outcome !== 'too_fragmented'; off += 2) {
      outcome = r.add({ msgType: 1, length: 1000, messageSeq: 0, offset: off, data: Buffer.alloc(1) }, 0);
    }
    expect(outcome).toBe('too_fragmented');
    expect(r.bufferedBytes).toBe(0);
  });

  it('completes an empty message at once', () => {
    const r = new HandshakeReassembler(limits, 0);
    r.add({ msgType: 14, length: 0, messageSeq: 0, offset: 0, data: Buffer.alloc(0) }, 0);
    expect(r.next()?.msgType).toBe(14);
  });
});
