import { createPool } from '@smartcity/platform-db';
import { KafkaClient, kafkaConnection } from '@smartcity/platform-kafka';
import {
  createLogger,
  createMetricsRegistry,
  createTracing,
  tracingSettingsFrom,
} from '@smartcity/platform-observability';
import { closeRedis, createRedis } from '@smartcity/platform-redis';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { MeasurementNormalizer } from '@smartcity/ucifi-normalize';
import { TenantAlarmRules } from './alarms/tenant-alarm-rules';
import { type DecoderConfig } from './config/decoder.config';
import { type DecoderDeps } from './decoder';
import { UplinkProcessor } from './uplink/uplink-processor';

/** Builds the decoder's connections and models from its configuration (one set per process). */
export function createDecoderDeps(config: DecoderConfig): DecoderDeps {
  const instanceId = config.DECODER_INSTANCE_ID ?? `decoder-${process.pid}`;
  const logger = createLogger({ app: 'decoder', level: config.LOG_LEVEL, base: { instanceId } });
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    applicationName: instanceId,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    onIdleError: (err) => logger.warn({ err }, 'idle database connection failed'),
  });
  const models = loadBundledRegistry();
  const rules = new TenantAlarmRules(pool, logger.child({ context: 'TenantAlarmRules' }));
  return {
    config,
    logger,
    registry: createMetricsRegistry('decoder'),
    tracing: createTracing(tracingSettingsFrom(config, 'decoder', instanceId, logger)),
    pool,
    kafka: new KafkaClient({ clientId: instanceId, ...kafkaConnection(config), logger }),
    redis: createRedis({ url: config.REDIS_URL, logger, name: instanceId }),
    processor: new UplinkProcessor(models, new MeasurementNormalizer(models), (tenant) => rules.get(tenant), {
      maxFutureSec: config.DECODER_TIME_MAX_FUTURE_S,
      maxPastSec: config.DECODER_TIME_MAX_PAST_S,
    }),
  };
}

/** Closes what createDecoderDeps opened (after Decoder.stop()). */
export async function closeDecoderDeps(deps: DecoderDeps): Promise<void> {
  await closeRedis(deps.redis);
  await deps.pool.end();
  await deps.tracing?.shutdown().catch(() => undefined);
}
