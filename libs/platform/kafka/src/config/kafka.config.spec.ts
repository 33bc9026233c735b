import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@smartcity/platform-config';
import { z } from 'zod';
import { kafkaConfigShape, KafkaConfigError, kafkaConnection } from './kafka.config';

const schema = z.object(kafkaConfigShape);
const settings = (env: Record<string, string>) => loadConfig(schema, env);

describe('kafkaConnection', () => {
  it('defaults to the local stack without authentication', () => {
    expect(kafkaConnection(settings({}))).toEqual({ brokers: ['127.0.0.1:9092'] });
  });

  it('authenticates with the app principal over SASL/SCRAM, and TLS with a private CA', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-ca-'));
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const connection = kafkaConnection(
      settings({
        KAFKA_BROKERS: 'kafka-0:9094,kafka-1:9094',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'svc-decoder',
        KAFKA_SASL_PASSWORD: 'p4ss',
        KAFKA_TLS: 'true',
        KAFKA_TLS_CA_FILE: join(dir, 'ca.pem'),
      }),
    );
    expect(connection).toEqual({
      brokers: ['kafka-0:9094', 'kafka-1:9094'],
      authentication: {
        sasl: { mechanism: 'scram-sha-512', username: 'svc-decoder', password: 'p4ss' },
        tls: { ca: expect.stringContaining('BEGIN CERTIFICATE') },
      },
    });
    expect(kafkaConnection(settings({ KAFKA_TLS: 'true' })).authentication).toEqual({ tls: {} });
  });

  it.each([
    [
      { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'svc' },
      'needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
    ],
    [{ KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'hunter2' }, 'KAFKA_SASL_MECHANISM is not'],
    [{ KAFKA_TLS_CA_FILE: '/etc/ca.pem' }, 'KAFKA_TLS is not true'],
  ])('refuses %j', (env, message) => {
    const run = () => kafkaConnection(settings(env));
    expect(run).toThrow(KafkaConfigError);
    expect(run).toThrow(message);
    expect(run).not.toThrow(/hunter2/);
  });

  it('refuses an unknown mechanism when the config is loaded, naming the variable', () => {
    expect(() => settings({ KAFKA_SASL_MECHANISM: 'plain' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });
});
