import { FakeClock } from '@smartcity/coap';
import { FlightRetransmitter } from './flight';

const policy = { initialMs: 1000, maxMs: 60_000, maxRetransmissions: 7 };

describe('flight retransmission (RFC 6347 §4.2.4)', () => {
  it('retransmits at 1 s, then doubling up to 60 s, and gives up after the budget', () => {
    const clock = new FakeClock(0);
    const sent: number[] = [];
    let gaveUp = -1;
    const r = new FlightRetransmitter(
      clock,
      policy,
      () => sent.push(clock.now()),
      () => (gaveUp = clock.now()),
      false,
    );
    r.start();
    clock.advance(300_000);
    expect(sent).toEqual([0, 1000, 3000, 7000, 15_000, 31_000, 63_000, 123_000]);
    expect(gaveUp).toBe(183_000);
  });

  it('stops when the next flight arrives', () => {
    const clock = new FakeClock(0);
    let n = 0;
    const r = new FlightRetransmitter(
      clock,
      policy,
      () => n++,
      () => undefined,
      false,
    );
    r.start();
    clock.advance(1500);
    r.stop();
    clock.advance(100_000);
    expect(n).toBe(2);
    expect(clock.pendingTimers).toBe(0);
  });

  it('shares one budget between timer and peer-triggered resends', () => {
    const clock = new FakeClock(0);
    let n = 0;
    const r = new FlightRetransmitter(
      clock,
      { ...policy, maxRetransmissions: 2 },
      () => n++,
      () => undefined,
      true,
    );
    r.start();
    expect([r.resendOnRequest(), r.resendOnRequest(), r.resendOnRequest()]).toEqual([true, true, false]);
    expect(n).toBe(3);
    clock.advance(100_000);
    expect(n).toBe(3); // final flights have no timer
  });
});
