import { PartnerTopic, topicGrants } from './partner-topics';

describe('topicGrants: the topic ACLs of a partner', () => {
  it.each([
    [[PartnerTopic.TELEMETRY], [{ name: 'city.lyon.telemetry.v1', prefixed: false }]],
    [[PartnerTopic.EVENTS], [{ name: 'city.lyon.events.v1', prefixed: false }]],
    [[PartnerTopic.EVENTS, PartnerTopic.EVENTS], [{ name: 'city.lyon.events.v1', prefixed: false }]],
    [[PartnerTopic.TELEMETRY, PartnerTopic.EVENTS], [{ name: 'city.lyon.', prefixed: true }]],
  ])('%j -> %j', (topics, expected) => {
    expect(topicGrants('lyon', topics)).toEqual(expected);
  });

  it('refuses a tenant that is not a slug (no ACL on a pattern another city could match)', () => {
    expect(() => topicGrants('ly*', [PartnerTopic.TELEMETRY])).toThrow(RangeError);
  });
});
