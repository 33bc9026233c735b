import { type HandshakeFragment } from './handshake-fragment';

/** A complete handshake message, reassembled. */
export interface HandshakeMessage {
  readonly msgType: number;
  readonly messageSeq: number;
  readonly body: Buffer;
  /** Epoch of the record that completed it (Finished must arrive under the new epoch). */
  readonly epoch: number;
}

export interface ReassemblyLimits {
  /** Largest message body accepted (RFC 6347 §4.2.3 leaves it to the implementation). */
  readonly maxMessageBytes: number;
  /** Bytes buffered across all partially received messages. */
  readonly maxBufferedBytes: number;
  /** How far ahead of the next expected message_seq a fragment may be and still be kept. */
  readonly maxMessagesAhead: number;
}

interface Partial {
  readonly msgType: number;
  readonly body: Buffer;
  /** Received byte ranges [start, end), sorted and merged. */
  ranges: Array<[number, number]>;
  epoch: number;
}

export type FragmentOutcome =
  'buffered' | 'old' | 'too_far' | 'too_large' | 'inconsistent' | 'buffer_full' | 'too_fragmented';

/** Disjoint byte ranges kept per message before it is given up (1-byte fragments with gaps would be quadratic). */
const MAX_RANGES = 64;

/**
 * Reassembly of fragmented handshake messages with bounded memory (RFC 6347 §4.2.3; RFC 6347 §4.2.2: messages
 * are processed in message_seq order, future ones may be buffered, past ones are retransmissions). Overlapping
 * fragments are accepted, as the RFC requires. Nothing here is authenticated in epoch 0, so a fragment that
 * disagrees with an earlier one on type or length is dropped, and every buffer is capped.
 */
export class HandshakeReassembler {
  private nextSeq: number;
  private readonly partials = new Map<number, Partial>();
  private buffered = 0;

  constructor(
    private readonly limits: ReassemblyLimits,
    firstSeq = 0,
  ) {
    this.nextSeq = firstSeq;
  }

  /** The message_seq the handshake expects next. */
  get expectedSeq(): number {
    return this.nextSeq;
  }

  add(f: HandshakeFragment, epoch: number): FragmentOutcome {
    if (f.messageSeq < this.nextSeq) return 'old';
    if (f.messageSeq >= this.nextSeq + this.limits.maxMessagesAhead) return 'too_far';
    if (f.length > this.limits.maxMessageBytes) return 'too_large';
    let p = this.partials.get(f.messageSeq);
    if (!p) {
      if (this.buffered + f.length > this.limits.maxBufferedBytes) return 'buffer_full';
      p = { msgType: f.msgType, body: Buffer.alloc(f.length), ranges: [], epoch };
      this.partials.set(f.messageSeq, p);
      this.buffered += f.length;
    } else if (p.msgType !== f.msgType || p.body.length !== f.length) {
      return 'inconsistent';
    }
    f.data.copy(p.body, f.offset);
    p.ranges = mergeRange(p.ranges, f.offset, f.offset + f.data.length);
    p.epoch = epoch;
    if (p.ranges.length > MAX_RANGES) {
      this.partials.delete(f.messageSeq);
      this.buffered -= p.body.length;
      return 'too_fragmented';
    }
    return 'buffered';
  }

  /** The next in-order message when it is complete; advances the expected message_seq. */
  next(): HandshakeMessage | undefined {
    const p = this.partials.get(this.nextSeq);
    if (!p || !isComplete(p)) return undefined;
    this.partials.delete(this.nextSeq);
    this.buffered -= p.body.length;
    const message = { msgType: p.msgType, messageSeq: this.nextSeq, body: p.body, epoch: p.epoch };
    this.nextSeq++;
    return message;
  }

  /** Bytes held for incomplete messages. */
  get bufferedBytes(): number {
    return this.buffered;
  }
}

function isComplete(p: Partial): boolean {
  if (p.body.length === 0) return true;
  const first = p.ranges[0];
  return p.ranges.length === 1 && first !== undefined && first[0] === 0 && first[1] === p.body.length;
}

function mergeRange(ranges: Array<[number, number]>, start: number, end: number): Array<[number, number]> {
  if (end <= start) return ranges;
  const out: Array<[number, number]> = [];
  let s = start;
  let e = end;
  for (const [rs, re] of ranges) {
    if (re < s || rs > e) out.push([rs, re]);
    else {
      s = Math.min(s, rs);
      e = Math.max(e, re);
    }
  }
  out.push([s, e]);
  return out.sort((a, b) => a[0] - b[0]);
}
