import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Authenticator, createTokenVerifier } from '@smartcity/platform-auth';
import { ConfigError, describeConfig, loadConfig } from '@smartcity/platform-config';
import { createPool, pingDatabase } from '@smartcity/platform-db';
import { KafkaClient, kafkaConnection } from '@smartcity/platform-kafka';
import {
  createLogger,
  createMetricsRegistry,
  createTracing,
  onShutdown,
  startOpsServer,
  tracingSettingsFrom,
} from '@smartcity/platform-observability';
import { closeRedis, createRedis, isRedisReady } from '@smartcity/platform-redis';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { AppModule } from './app.module';
import { gatewayConfigSchema, productionProblems } from './config/gateway.config';
import { registerOpsRoutes } from './health/ops-routes';
import { createLiveConnections, guardWebSockets } from './live/live-connections.provider';
import { PinoNestLogger } from './nest-logger';

async function main(): Promise<void> {
  const config = loadConfig(gatewayConfigSchema);
  const problems = productionProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
  const logger = createLogger({ app: 'gateway', level: config.LOG_LEVEL });
  logger.info({ config: describeConfig(gatewayConfigSchema, config) }, 'starting');
  const metrics = createMetricsRegistry('gateway');
  // Device command spans (GraphQL command -> lwm2m.downlink.v1 headers -> ingest -> results back); off by default.
  const tracing = createTracing(tracingSettingsFrom(config, 'gateway', undefined, logger));
  const onIdleError = (err: Error) => logger.warn({ err }, 'idle database connection failed');
  const appPool = createPool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    applicationName: 'gateway',
    statementTimeoutMs: config.API_STATEMENT_TIMEOUT_MS,
    onIdleError,
  });
  const ownerPool = createPool({
    connectionString: config.DATABASE_OWNER_URL,
    max: 2,
    applicationName: 'gateway-admin',
    onIdleError,
  });
  const redis = createRedis({ url: config.REDIS_URL, logger, name: 'gateway' });
  const redisSubscriber = createRedis({ url: config.REDIS_URL, logger, name: 'gateway-live' });
  const kafka = new KafkaClient({ clientId: 'gateway', ...kafkaConnection(config), logger });
  const authenticator = new Authenticator(
    createTokenVerifier({
      issuer: config.OIDC_ISSUER,
      audience: config.OIDC_AUDIENCE,
      ...(config.OIDC_JWKS_URI ? { jwksUri: config.OIDC_JWKS_URI } : {}),
      clockToleranceSec: config.OIDC_CLOCK_TOLERANCE_SEC,
    }),
  );
  const models = loadBundledRegistry();
  const liveConnections = createLiveConnections(config, authenticator, metrics);

  const adapter = new FastifyAdapter({ bodyLimit: config.GATEWAY_BODY_LIMIT_BYTES });
  // Before the modules register their routes: the subscription guard wraps the graphql-ws handler.
  guardWebSockets(adapter.getInstance() as unknown as Parameters<typeof guardWebSockets>[0], liveConnections);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register({
      config,
      logger,
      metrics,
      appPool,
      ownerPool,
      redis,
      redisSubscriber,
      kafka,
      authenticator,
      models,
      liveConnections,
      tracing,
    }),
    adapter,
    { logger: new PinoNestLogger(logger), bufferLogs: false },
  );
  const isReady = async () => (await pingDatabase(appPool)) && (await isRedisReady(redis));
  registerOpsRoutes(app.getHttpAdapter().getInstance(), { registry: metrics, isReady });
  const ops = await startOpsServer({
    host: config.GATEWAY_OPS_HOST,
    port: config.GATEWAY_OPS_PORT,
    registry: metrics,
    isReady,
  });
  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  logger.info(
    {
      port: config.GATEWAY_PORT,
      host: config.GATEWAY_HOST,
      opsPort: ops.port,
      opsHost: config.GATEWAY_OPS_HOST,
    },
    'gateway listening on /graphql',
  );

  onShutdown(logger, [
    // Stops accepting requests, ends subscriptions and waits for in-flight requests.
    { name: 'http', run: () => app.close() },
    { name: 'ops', run: () => ops.close() },
    {
      name: 'redis',
      run: async () => void (await Promise.all([closeRedis(redisSubscriber), closeRedis(redis)])),
    },
    { name: 'database', run: async () => void (await Promise.all([appPool.end(), ownerPool.end()])) },
    { name: 'tracing', run: () => tracing.shutdown() },
  ]);
}

main().catch((err: unknown) => {
  // Startup failures (bad configuration, unreachable port) end the process with the reason on stderr.
  console.error(err);
  process.exit(1);
});
