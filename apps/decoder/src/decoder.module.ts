import { Module, type Provider } from '@nestjs/common';
import { loadConfig } from '@smartcity/platform-config';
import { createPool } from '@smartcity/platform-db';
import { KafkaClient } from '@smartcity/platform-kafka';
import { createLogger, createMetricsRegistry, type Logger } from '@smartcity/platform-observability';
import { createRedis } from '@smartcity/platform-redis';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { MeasurementNormalizer } from '@smartcity/ucifi-normalize';
import { type Pool } from 'pg';
import { TenantAlarmRules } from './alarms/tenant-alarm-rules';
import { type DecoderConfig, decoderConfigSchema } from './config/decoder.config';
import { DecoderService } from './decoder.service';
import {
  APP_POOL,
  DECODER_CONFIG,
  KAFKA_CLIENT,
  LOGGER,
  METRICS_REGISTRY,
  REDIS,
  UPLINK_PROCESSOR,
} from './decoder.tokens';
import { UplinkProcessor } from './uplink/uplink-processor';

/** Infrastructure providers; each app instance gets one of each. */
export function decoderProviders(config: DecoderConfig = loadConfig(decoderConfigSchema)): Provider[] {
  const instanceId = config.DECODER_INSTANCE_ID ?? `decoder-${process.pid}`;
  return [
    { provide: DECODER_CONFIG, useValue: config },
    {
      provide: LOGGER,
      useFactory: () => createLogger({ app: 'decoder', level: config.LOG_LEVEL, base: { instanceId } }),
    },
    { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry('decoder') },
    {
      provide: APP_POOL,
      inject: [LOGGER],
      useFactory: (logger: Logger) =>
        createPool({
          connectionString: config.DATABASE_URL,
          max: config.DATABASE_POOL_MAX,
          applicationName: instanceId,
          statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
          onIdleError: (err) => logger.warn({ err }, 'idle database connection failed'),
        }),
    },
    {
      provide: KAFKA_CLIENT,
      inject: [LOGGER],
      useFactory: (logger: Logger) =>
        new KafkaClient({ clientId: instanceId, brokers: config.KAFKA_BROKERS, logger }),
    },
    {
      provide: REDIS,
      inject: [LOGGER],
      useFactory: (logger: Logger) => createRedis({ url: config.REDIS_URL, logger, name: instanceId }),
    },
    {
      provide: UPLINK_PROCESSOR,
      inject: [APP_POOL, LOGGER],
      useFactory: (pool: Pool, logger: Logger) => {
        const registry = loadBundledRegistry();
        const rules = new TenantAlarmRules(pool, logger.child({ context: 'TenantAlarmRules' }));
        return new UplinkProcessor(registry, new MeasurementNormalizer(registry), (tenant) =>
          rules.get(tenant),
        );
      },
    },
    DecoderService,
  ];
}

@Module({})
export class DecoderModule {
  static register(config?: DecoderConfig) {
    const providers = decoderProviders(config);
    return { module: DecoderModule, providers, exports: providers };
  }
}
