import { linkStateAfterClose } from './client';

describe('live link state after the socket closed', () => {
  it('is idle after a normal closure (lazy socket, nothing subscribed) and lost otherwise', () => {
    expect(linkStateAfterClose({ code: 1000 })).toBe('idle');
    expect(linkStateAfterClose({ code: 1006 })).toBe('lost');
    expect(linkStateAfterClose({ code: 4401 })).toBe('lost');
    expect(linkStateAfterClose(undefined)).toBe('lost');
  });
});
