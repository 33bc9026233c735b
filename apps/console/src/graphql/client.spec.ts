import { linkStateAfterClose, nextLinkState, shouldRetryConnection } from './client';

describe('live link state after the socket closed', () => {
  it('is idle after a normal closure (lazy socket, nothing subscribed) and lost otherwise', () => {
    expect(linkStateAfterClose({ code: 1000 })).toBe('idle');
    expect(linkStateAfterClose({ code: 1006 })).toBe('lost');
    expect(linkStateAfterClose({ code: 4408 })).toBe('lost');
    expect(linkStateAfterClose(undefined)).toBe('lost');
  });

  it('is refused when the gateway refuses the token (4401 unauthorized, 4403 forbidden)', () => {
    expect(linkStateAfterClose({ code: 4401, reason: 'Unauthorized' })).toBe('refused');
    expect(linkStateAfterClose({ code: 4403, reason: 'Forbidden' })).toBe('refused');
  });

  it('stays lost or refused while a new attempt connects, until it is connected', () => {
    expect(nextLinkState('lost', 'connecting')).toBe('lost');
    expect(nextLinkState('refused', 'connecting')).toBe('refused');
    expect(nextLinkState('refused', 'connected')).toBe('connected');
    expect(nextLinkState('idle', 'connecting')).toBe('connecting');
  });
});

describe('reconnecting the live link', () => {
  it('never retries a refused token (4401, 4403): the same token would be refused again', () => {
    expect(shouldRetryConnection({ code: 4401, reason: 'Unauthorized' })).toBe(false);
    expect(shouldRetryConnection({ code: 4403, reason: 'Forbidden' })).toBe(false);
  });

  it('retries an abnormal closure, a timeout, a server restart or a network error', () => {
    for (const code of [1006, 1001, 1011, 4408, 4429])
      expect(shouldRetryConnection({ code, reason: '' })).toBe(true);
    expect(shouldRetryConnection(new Error('network'))).toBe(true);
  });
});
