import { readClientFrame, withinTokenLimit } from './client-frames';

describe('readClientFrame', () => {
  it.each([
    [
      '{"type":"connection_init","payload":{"authorization":"Bearer x"}}',
      { kind: 'init', payload: { authorization: 'Bearer x' } },
    ],
    [
      '{"type":"ping","payload":{"authorization":"Bearer y"}}',
      { kind: 'ping', payload: { authorization: 'Bearer y' } },
    ],
    [
      '{"id":"1","type":"subscribe","payload":{"query":"subscription { a }"}}',
      { kind: 'subscribe', query: 'subscription { a }' },
    ],
    ['{"id":"1","type":"start","payload":{"query":"q"}}', { kind: 'subscribe', query: 'q' }],
    ['{"type":"complete","id":"1"}', { kind: 'other' }],
    ['not json', { kind: 'other' }],
    ['42', { kind: 'other' }],
  ])('%s', (raw, frame) => {
    expect(readClientFrame(Buffer.from(raw))).toEqual(frame);
  });
});

describe('withinTokenLimit', () => {
  it('accepts a small document and refuses one above the limit', () => {
    expect(withinTokenLimit('subscription { a { b } }', 100)).toBe(true);
    expect(withinTokenLimit(`subscription { ${'a '.repeat(200)} }`, 100)).toBe(false);
  });
  it('leaves syntax errors to GraphQL validation', () => {
    expect(withinTokenLimit('subscription {', 100)).toBe(true);
  });
});
