import { z } from 'zod';

/** Reusable environment field parsers (all env values arrive as strings). */
export const port = (defaultPort: number) => z.coerce.number().int().min(0).max(65535).default(defaultPort);

export const positiveInt = (defaultValue: number) => z.coerce.number().int().positive().default(defaultValue);

export const nonNegativeInt = (defaultValue: number) =>
  z.coerce.number().int().nonnegative().default(defaultValue);

export const bool = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(defaultValue ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Comma-separated list, e.g. `KAFKA_BROKERS=127.0.0.1:9092,127.0.0.1:9094`. */
export const list = (defaultValue: string) =>
  z
    .string()
    .default(defaultValue)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

export const logLevel = () =>
  z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** Connection settings of the local stack (deploy/local), used as defaults by every app. */
export const LOCAL_STACK = {
  databaseUrl: 'postgres://smartcity_app:smartcity_app@127.0.0.1:5432/smartcity',
  databaseOwnerUrl: 'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity',
  redisUrl: 'redis://127.0.0.1:6379',
  kafkaBrokers: '127.0.0.1:9092',
  keycloakUrl: 'http://127.0.0.1:8080',
  keycloakRealm: 'smartcity',
  /**
   * Keys sealing device secrets at rest (`id:base64`, AES-256): shared by the gateway, the CLI and the ingest. For
   * local development only; every deployment sets its own.
   */
  credentialKeys: 'dev-credentials:ZGV2ZWxvcG1lbnQtb25seS1jcmVkZW50aWFsLWtleS0=',
  /** Keys sealing DTLS sessions in Redis (`id:base64`), shared by the ingest instances. Local development only. */
  dtlsSessionKeys: 'dev-sessions:ZGV2ZWxvcG1lbnQtb25seS1zZXNzaW9uLWtleS0zMmI=',
} as const;
