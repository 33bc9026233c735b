import { CoapType, DEFAULT_COAP_TIMING, serializeCoapMessage } from '@smartcity/coap';
import { writeToken } from './lean-datagrams';
import { ExchangeKind, ExchangeTable } from './lean-exchanges';

/** A piggybacked 2.04 (ACK) with the token of (device, exchange). */
function response(device: number, exchange: number, messageId = 0, type = CoapType.Acknowledgement): Buffer {
  const out = serializeCoapMessage({
    type,
    code: 0x44,
    messageId,
    token: Buffer.alloc(8),
    options: [],
    payload: Buffer.alloc(0),
  });
  writeToken(out, device, exchange);
  return out;
}

// random() = 0: the initial timeout is ACK_TIMEOUT exactly (2 s), then 4, 8, 16 s (RFC 7252 §4.2).
const table = () => new ExchangeTable(4, DEFAULT_COAP_TIMING, () => 0);

describe('lean exchange table', () => {
  it('matches a response by token only, whatever its message id or type', () => {
    const t = table();
    const e = t.open(2, ExchangeKind.Send, 100, 0);
    expect(t.matchResponse(response(2, e, 9999))).toBe(2);
    expect(t.matchResponse(response(2, e, 1, CoapType.Confirmable))).toBe(2); // a separate response
    expect(t.openCount).toBe(1);
  });

  it('ignores a response to an earlier exchange of the same device, or to a closed one', () => {
    const t = table();
    const first = t.open(1, ExchangeKind.Send, 1, 0);
    t.close(1);
    expect(t.matchResponse(response(1, first))).toBe(-1);
    const second = t.open(1, ExchangeKind.Send, 2, 0);
    expect(second).not.toBe(first);
    expect(t.matchResponse(response(1, first))).toBe(-1);
    expect(t.matchResponse(response(1, second))).toBe(1);
  });

  it('ignores tokens of devices it does not have, and tokens of another length', () => {
    const t = table();
    t.open(0, ExchangeKind.Send, 1, 0);
    expect(t.matchResponse(response(7, 1))).toBe(-1);
    expect(t.matchResponse(Buffer.from([0x62, 0x44, 0, 1, 0, 0]))).toBe(-1);
  });

  it('retransmits after 2, 4, 8 and 16 s, then gives up (MAX_RETRANSMIT 4)', () => {
    const t = table();
    t.open(3, ExchangeKind.Register, 1, 0);
    const events: string[] = [];
    const at = (now: number) =>
      t.expire(
        now,
        (d) => events.push(`retransmit ${d} at ${now}`),
        (d, kind) => events.push(`give up ${d} (${kind}) at ${now}`),
      );
    for (const now of [1999, 2000, 5999, 6000, 14_000, 30_000, 61_999, 62_000]) at(now);
    expect(events).toEqual([
      'retransmit 3 at 2000',
      'retransmit 3 at 6000',
      'retransmit 3 at 14000',
      'retransmit 3 at 30000',
      `give up 3 (${ExchangeKind.Register}) at 62000`,
    ]);
    expect(t.openCount).toBe(0);
  });

  it('stops retransmitting on an empty ACK of its message id, and waits MAX_TRANSMIT_WAIT for the response', () => {
    const t = table();
    t.open(0, ExchangeKind.Send, 500, 0);
    expect(t.acknowledgeEmpty(0, 499, 10)).toBe(false);
    expect(t.acknowledgeEmpty(0, 500, 10)).toBe(true);
    const events: number[] = [];
    t.expire(
      50_000,
      () => events.push(1),
      () => events.push(2),
    );
    expect(events).toEqual([]);
    t.expire(
      10 + 93_000,
      () => events.push(1),
      () => events.push(2),
    );
    expect(events).toEqual([2]);
  });

  it('knows the outstanding message id of a device (for a Reset)', () => {
    const t = table();
    t.open(1, ExchangeKind.Send, 42, 0);
    expect(t.isOutstandingId(1, 42)).toBe(true);
    expect(t.isOutstandingId(1, 43)).toBe(false);
    expect(t.isOutstandingId(0, 42)).toBe(false);
  });
});
