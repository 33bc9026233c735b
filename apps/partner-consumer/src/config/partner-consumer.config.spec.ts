import { loadPartnerConsumerConfig } from './partner-consumer.config';

describe('loadPartnerConsumerConfig', () => {
  const base = { PARTNER_TENANT: 'lyon', PARTNER_GROUP_ID: 'acme-analytics' };

  it('has defaults that reach the local stack', () => {
    expect(loadPartnerConsumerConfig(base)).toEqual({
      brokers: ['127.0.0.1:9092'],
      tenant: 'lyon',
      topics: ['telemetry'],
      groupId: 'acme-analytics',
      clientId: 'partner-consumer',
    });
  });

  it('reads credentials, TLS, topics and a replay time', () => {
    const c = loadPartnerConsumerConfig({
      ...base,
      PARTNER_BROKERS: 'kafka-0.city.example:9094, kafka-1.city.example:9094',
      PARTNER_TOPICS: 'telemetry,events,telemetry',
      PARTNER_USERNAME: 'acme',
      PARTNER_PASSWORD: 's3cret',
      PARTNER_TLS: 'true',
      PARTNER_REPLAY_FROM: '2026-12-01T00:00:00+01:00',
    });
    expect(c).toMatchObject({
      brokers: ['kafka-0.city.example:9094', 'kafka-1.city.example:9094'],
      topics: ['telemetry', 'events'],
      sasl: { username: 'acme', password: 's3cret' },
      tls: {},
      replayFrom: Date.UTC(2026, 10, 30, 23),
    });
    expect(loadPartnerConsumerConfig({ ...base, PARTNER_REPLAY_FROM: 'earliest' }).replayFrom).toBe(
      'earliest',
    );
  });

  it.each([
    [{ PARTNER_TENANT: 'Lyon!' }, 'PARTNER_TENANT: a city slug'],
    [{ PARTNER_GROUP_ID: undefined }, 'PARTNER_GROUP_ID'],
    [{ PARTNER_TOPICS: 'telemetry,commands' }, 'PARTNER_TOPICS'],
    [{ PARTNER_BROKERS: 'kafka.example' }, 'PARTNER_BROKERS.0: host:port expected'],
    [{ PARTNER_REPLAY_FROM: 'yesterday' }, 'PARTNER_REPLAY_FROM'],
    [{ PARTNER_USERNAME: 'acme' }, 'PARTNER_USERNAME and PARTNER_PASSWORD go together'],
  ])('refuses %j with a message naming the variable', (bad, expected) => {
    expect(() => loadPartnerConsumerConfig({ ...base, ...bad })).toThrow(expected);
  });

  it('never puts a secret in its error', () => {
    expect(() => loadPartnerConsumerConfig({ ...base, PARTNER_PASSWORD: 'hunter2-secret' })).toThrow(
      /^(?!.*hunter2).*go together/,
    );
  });
});
