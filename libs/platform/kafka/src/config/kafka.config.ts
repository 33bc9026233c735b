import { readFileSync } from 'node:fs';
import { bool, LOCAL_STACK, list, secret } from '@smartcity/platform-config';
import { z } from 'zod';
import { type KafkaAuthentication } from '../kafka-client';

/**
 * Kafka connection settings shared by the apps (spread into each app's config schema); defaults reach the local
 * stack's internal listener (PLAINTEXT on 127.0.0.1). In a deployment each app authenticates with its own
 * principal (SASL/SCRAM, KIP-84) over TLS, and the brokers' ACLs give it only what it needs (docs/operations.md).
 */
export const kafkaConfigShape = {
  KAFKA_BROKERS: list(LOCAL_STACK.kafkaBrokers),
  /** SASL mechanism; unset: no SASL. */
  KAFKA_SASL_MECHANISM: z.enum(['scram-sha-512', 'scram-sha-256']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).max(255).optional(),
  KAFKA_SASL_PASSWORD: secret(z.string().min(1).optional()),
  /** TLS to the brokers (the system's trust store, or KAFKA_TLS_CA_FILE). */
  KAFKA_TLS: bool(false),
  /** PEM bundle of the CAs to trust instead of the system's (a private CA). */
  KAFKA_TLS_CA_FILE: z.string().min(1).optional(),
};

/** The Kafka fields of an app's validated config. */
export type KafkaSettings = z.output<z.ZodObject<typeof kafkaConfigShape>>;

/** Settings that cannot be checked field by field: a SASL mechanism needs both credentials, and only then. */
export class KafkaConfigError extends Error {}

/** The brokers and authentication of an app's KafkaClient, from its validated config. */
export function kafkaConnection(config: KafkaSettings): {
  brokers: readonly string[];
  authentication?: KafkaAuthentication;
} {
  const {
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: username,
    KAFKA_SASL_PASSWORD: password,
  } = config;
  if (mechanism === undefined && (username !== undefined || password !== undefined)) {
    throw new KafkaConfigError(
      'KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD are set but KAFKA_SASL_MECHANISM is not',
    );
  }
  if (mechanism !== undefined && (username === undefined || password === undefined)) {
    throw new KafkaConfigError(
      `KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`,
    );
  }
  if (config.KAFKA_TLS_CA_FILE !== undefined && !config.KAFKA_TLS) {
    throw new KafkaConfigError('KAFKA_TLS_CA_FILE is set but KAFKA_TLS is not true');
  }
  const sasl = mechanism && username && password ? { mechanism, username, password } : undefined;
  const tls = config.KAFKA_TLS
    ? { ...(config.KAFKA_TLS_CA_FILE ? { ca: readFileSync(config.KAFKA_TLS_CA_FILE, 'utf8') } : {}) }
    : undefined;
  if (!sasl && !tls) return { brokers: config.KAFKA_BROKERS };
  return {
    brokers: config.KAFKA_BROKERS,
    authentication: { ...(sasl ? { sasl } : {}), ...(tls ? { tls } : {}) },
  };
}
