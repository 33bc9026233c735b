import { Inject } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { type Principal } from '@smartcity/platform-auth';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { canSeeCategory, Permission, tenantOf } from '../auth/permissions';
import { isUuid } from '../common/cursor';
import { DevicesRepository } from '../devices/devices.repository';
import { Requires } from '../auth/requires.decorator';
import { type GatewayConfig } from '../config/gateway.config';
import { TenantDb } from '../db/tenant-db.service';
import { GatewayException } from '../errors/gateway.exception';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { assertRawRange } from '../limits/raw-range';
import { TelemetrySeries } from './telemetry.models';
import { Aggregate, checkRange } from './telemetry.query';
import { TelemetryRepository } from './telemetry.repository';

@Resolver(() => TelemetrySeries)
export class TelemetryResolver {
  constructor(
    private readonly db: TenantDb,
    private readonly repository: TelemetryRepository,
    private readonly devices: DevicesRepository,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Query(() => TelemetrySeries, {
    description: 'History of one metric or path of a device, bucketed in time.',
  })
  @Requires(Permission.ReadTelemetry)
  async telemetry(
    @CurrentPrincipal() principal: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('from', { type: () => Date }) from: Date,
    @Args('to', { type: () => Date }) to: Date,
    @Args('metric', { type: () => String, nullable: true }) metric: string | null,
    @Args('path', { type: () => String, nullable: true }) path: string | null,
    @Args('bucket', { type: () => String, defaultValue: '1h', description: 'e.g. 30s, 15m, 1h, 1d' })
    bucket: string,
    @Args('aggregate', { type: () => Aggregate, defaultValue: Aggregate.AVG }) aggregate: Aggregate,
  ): Promise<TelemetrySeries> {
    if (!metric && !path) throw GatewayException.badInput('give a metric or a path', 'metric');
    const range = checkRange(from, to, bucket, this.config.TELEMETRY_MAX_POINTS);
    assertRawRange(principal, range.from, range.to, 'from');
    // The device must be visible to the caller (tenant via RLS, categories for utilities) before its history is;
    // both checks and the series run in one tenant transaction.
    const rows = isUuid(deviceId)
      ? await this.db.inTenant(
          tenantOf(principal),
          async (tx) => {
            const [device] = await this.devices.findByIds(tx, [deviceId]);
            if (!device || !canSeeCategory(principal, device.category)) return null;
            return this.repository.series(tx, device.id, { metric, path }, range, aggregate);
          },
          'scan',
        )
      : null;
    if (!rows) throw GatewayException.notFound('device');
    return {
      deviceId,
      metric,
      path,
      unit: rows.find((r) => r.unit !== null)?.unit ?? null,
      bucket,
      aggregate,
      from,
      to,
      points: rows.map((r) => ({ time: r.time, value: r.value, count: r.count })),
    };
  }
}
