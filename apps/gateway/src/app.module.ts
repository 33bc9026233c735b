import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { type Authenticator } from '@smartcity/platform-auth';
import { BootstrapRepository, CredentialKeyring, DeviceCredentialRepository } from '@smartcity/platform-db';
import { type KafkaClient } from '@smartcity/platform-kafka';
import { type Logger, TRACING_DISABLED, type Tracing } from '@smartcity/platform-observability';
import { type Redis } from '@smartcity/platform-redis';
import { type ModelRegistry } from '@smartcity/ucifi-model';
import { type Pool } from 'pg';
import { Counter, type Registry } from 'prom-client';
import { AlarmsRepository } from './alarms/alarms.repository';
import { AlarmsService } from './alarms/alarms.service';
import { PolicyGuard } from './auth/policy.guard';
import { BootstrapService } from './bootstrap/bootstrap.service';
import { type GatewayConfig } from './config/gateway.config';
import { CredentialsService } from './credentials/credentials.service';
import { TenantDb } from './db/tenant-db.service';
import { DeviceCacheInvalidator } from './devices/device-cache.invalidator';
import { DevicesRepository } from './devices/devices.repository';
import { DevicesService } from './devices/devices.service';
import { EndpointProbes } from './devices/endpoint-probes';
import { OBJECT_NAMES, objectNamesFrom } from './devices/object-names';
import { GatewayExceptionFilter } from './errors/gateway-exception.filter';
import { OperationMetrics } from './graphql/operation-metrics';
import {
  APP_POOL,
  AUTHENTICATOR,
  GATEWAY_CONFIG,
  GATEWAY_LOGGER,
  KAFKA_CLIENT,
  METRICS_REGISTRY,
  MODEL_REGISTRY,
  OWNER_POOL,
  REDIS,
  REDIS_SUBSCRIBER,
  TENANT_GATES,
  TRACING,
} from './gateway.tokens';
import { TenantGate, type TenantGates } from './db/tenant-gate';
import { COMMAND_PROVIDERS } from './commands/commands.providers';
import { CONFORMANCE_PROVIDERS } from './interop/conformance.providers';
import { buildGraphqlOptions } from './graphql/graphql-options';
import { RESOLVERS } from './resolvers';
import { KpisRepository } from './kpis/kpis.repository';
import { LIGHTING_PROVIDERS } from './lighting/lighting.providers';
import { type LiveConnections } from './live/live-connections';
import { LiveUpdatesHub } from './live/live-updates.hub';
import { QuotasRepository } from './quotas/quotas.repository';
import { QuotasService } from './quotas/quotas.service';
import { TelemetryRepository } from './telemetry/telemetry.repository';
import { KeycloakAdminClient } from './tenants/keycloak-admin.client';
import { KEYCLOAK_ADMIN } from './tenants/keycloak-admin.token';
import { TenantsRepository } from './tenants/tenants.repository';
import { TenantsService } from './tenants/tenants.service';
import { WATER_PROVIDERS } from './water/water.providers';
import { PARTNER_PROVIDERS } from './partners/partners.providers';

/** Connections and clients main.ts opens (and closes on shutdown); the module only uses them. */
export interface GatewayInfrastructure {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly appPool: Pool;
  readonly ownerPool: Pool;
  readonly redis: Redis;
  readonly redisSubscriber: Redis;
  readonly kafka: KafkaClient;
  readonly authenticator: Authenticator;
  readonly models: ModelRegistry;
  readonly liveConnections: LiveConnections;
  readonly tracing?: Tracing;
}

const DATA_PROVIDERS: Provider[] = [
  TenantDb,
  DevicesRepository,
  AlarmsRepository,
  TelemetryRepository,
  TenantsRepository,
  KpisRepository,
  DevicesService,
  EndpointProbes,
  AlarmsService,
  TenantsService,
  DeviceCacheInvalidator,
  LiveUpdatesHub,
  QuotasRepository,
  QuotasService,
  CredentialsService,
  BootstrapService,
  ...COMMAND_PROVIDERS,
  ...CONFORMANCE_PROVIDERS,
  ...WATER_PROVIDERS,
  ...PARTNER_PROVIDERS,
  ...LIGHTING_PROVIDERS,
];

@Module({})
export class AppModule {
  static register(infra: GatewayInfrastructure): DynamicModule {
    const infraProviders: Provider[] = [
      { provide: GATEWAY_CONFIG, useValue: infra.config },
      { provide: GATEWAY_LOGGER, useValue: infra.logger },
      { provide: METRICS_REGISTRY, useValue: infra.metrics },
      { provide: APP_POOL, useValue: infra.appPool },
      { provide: OWNER_POOL, useValue: infra.ownerPool },
      { provide: REDIS, useValue: infra.redis },
      { provide: REDIS_SUBSCRIBER, useValue: infra.redisSubscriber },
      { provide: KAFKA_CLIENT, useValue: infra.kafka },
      { provide: AUTHENTICATOR, useValue: infra.authenticator },
      { provide: MODEL_REGISTRY, useValue: infra.models },
      { provide: TRACING, useValue: infra.tracing ?? TRACING_DISABLED },
      { provide: OBJECT_NAMES, useValue: objectNamesFrom(infra.models) },
      {
        provide: DeviceCredentialRepository,
        useValue: new DeviceCredentialRepository(new CredentialKeyring(infra.config.CREDENTIAL_KEYS)),
      },
      {
        provide: BootstrapRepository,
        useValue: new BootstrapRepository(new CredentialKeyring(infra.config.CREDENTIAL_KEYS)),
      },
      {
        provide: KEYCLOAK_ADMIN,
        useValue: new KeycloakAdminClient({
          baseUrl: infra.config.KEYCLOAK_URL,
          realm: infra.config.KEYCLOAK_REALM,
          adminRealm: infra.config.KEYCLOAK_ADMIN_REALM,
          clientId: infra.config.KEYCLOAK_ADMIN_CLIENT_ID,
          username: infra.config.KEYCLOAK_ADMIN_USERNAME,
          password: infra.config.KEYCLOAK_ADMIN_PASSWORD,
        }),
      },
    ];
    const refusedByTenant = new Counter({
      name: 'gateway_tenant_db_refused_total',
      help: 'Requests refused RATE_LIMITED because their tenant used its share of database connections',
      labelNames: ['tenant', 'lane', 'reason'] as const,
      registers: [infra.metrics],
    });
    const gate = (concurrency: number, lane: string) =>
      new TenantGate({
        concurrency,
        maxQueued: infra.config.TENANT_DB_MAX_QUEUED,
        maxWaitMs: infra.config.TENANT_DB_MAX_WAIT_MS,
        onRejected: (tenant, reason) => refusedByTenant.inc({ tenant, lane, reason }),
      });
    const gates: TenantGates = {
      queries: gate(infra.config.TENANT_DB_CONCURRENCY, 'queries'),
      tenantScans: gate(infra.config.TENANT_DB_SCAN_CONCURRENCY, 'tenant_scans'),
      allScans: gate(infra.config.GATEWAY_DB_SCAN_CONCURRENCY, 'all_scans'),
    };
    infraProviders.push({ provide: TENANT_GATES, useValue: gates });
    const errorsByCode = new Counter({
      name: 'gateway_graphql_errors_total',
      help: 'GraphQL errors returned to clients, by code',
      labelNames: ['code'] as const,
      registers: [infra.metrics],
    });
    const operations = new OperationMetrics(infra.metrics);
    return {
      module: AppModule,
      global: true,
      imports: [
        GraphQLModule.forRootAsync<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          inject: [TenantDb, DevicesRepository, AlarmsRepository, QuotasService, BootstrapRepository],
          useFactory: (
            db: TenantDb,
            devices: DevicesRepository,
            alarms: AlarmsRepository,
            quotas: QuotasService,
            bootstrap: BootstrapRepository,
          ) =>
            buildGraphqlOptions({
              countApiCall: (tenant) => quotas.countApiCall(tenant),
              config: infra.config,
              logger: infra.logger,
              authenticator: infra.authenticator,
              loaderDeps: { db, devices, alarms, bootstrap },
              errorsByCode,
              operations,
              liveConnections: infra.liveConnections,
            }),
        }),
      ],
      providers: [
        ...infraProviders,
        ...DATA_PROVIDERS,
        ...RESOLVERS,
        { provide: APP_GUARD, useClass: PolicyGuard },
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
      ],
      exports: [...infraProviders, ...DATA_PROVIDERS],
    };
  }
}
