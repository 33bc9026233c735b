/** Where the integration tests find the local stack (deploy/local defaults; override with the same variables). */
const env = process.env;

export const TEST_ENV = {
  keycloakUrl: env['KEYCLOAK_URL'] ?? 'http://127.0.0.1:8080',
  ownerUrl:
    env['DATABASE_OWNER_URL'] ?? 'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity',
  redisUrl: env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  kafkaBrokers: (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
};

/** The environment a spawned gateway inherits, plus overrides. */
export function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...env, ...overrides };
}
