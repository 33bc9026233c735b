import { Args, Float, Query, Resolver } from '@nestjs/graphql';
import { type Principal } from '@smartcity/platform-auth';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { canSeeCategory, categoryScope, Permission, tenantOf } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { TenantDb } from '../db/tenant-db.service';
import { GatewayException } from '../errors/gateway.exception';
import { assertRawRange } from '../limits/raw-range';
import { airQualityIndex } from './aqi';
import { Kpis } from './kpis.models';
import { KpisRepository } from './kpis.repository';

/** The device category each KPI group belongs to (ucifi-normalize categories, also the utility domains). */
const GROUP_CATEGORY = {
  lighting: 'lighting',
  energy: 'energy',
  water: 'water',
  parking: 'mobility',
  waste: 'waste',
  airQuality: 'environment',
} as const;

function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

@Resolver(() => Kpis)
export class KpisResolver {
  constructor(
    private readonly db: TenantDb,
    private readonly repository: KpisRepository,
  ) {}

  @Query(() => Kpis, { description: 'KPIs of the tenant per domain, optionally for one device category.' })
  @Requires(Permission.ReadKpis)
  async kpis(
    @CurrentPrincipal() principal: Principal,
    @Args('category', { type: () => String, nullable: true }) category: string | null,
    @Args('since', {
      type: () => Date,
      nullable: true,
      description: 'Start of "today"; default: UTC midnight.',
    })
    since: Date | null,
    @Args('fullPercent', { type: () => Float, defaultValue: 90, description: 'Filling % counted as full.' })
    fullPercent: number,
  ): Promise<Kpis> {
    const now = new Date();
    const from = since ?? startOfUtcDay(now);
    if (Number.isNaN(from.getTime()) || from >= now)
      throw GatewayException.badInput('since must be in the past', 'since');
    if (now.getTime() - from.getTime() > 31 * 86_400_000) {
      throw GatewayException.badInput('since must be within the last 31 days', 'since');
    }
    assertRawRange(principal, from, now, 'since');
    const scope = { categories: categoryScope(principal), category };
    const [state, consumption, air] = await this.db.inTenant(
      tenantOf(principal),
      async (tx) =>
        [
          await this.repository.state(tx, scope, fullPercent),
          await this.repository.consumption(tx, scope, from, now),
          await this.repository.airQuality(tx, scope),
        ] as const,
      'scan',
    );
    let worst: { aqi: number; deviceId: string } | null = null;
    for (const row of air) {
      const aqi = airQualityIndex(row.pm25, row.pm10);
      if (aqi !== null && (!worst || aqi > worst.aqi)) worst = { aqi, deviceId: row.deviceId };
    }
    const visible = (group: keyof typeof GROUP_CATEGORY) => canSeeCategory(principal, GROUP_CATEGORY[group]);
    return {
      since: from,
      generatedAt: now,
      lighting: visible('lighting')
        ? {
            lampsTotal: state.lampsTotal,
            lampsOn: state.lampsOn,
            lampsFailed: state.lampsFailed,
            energyTodayKwh: (consumption.lightingEnergyWh ?? 0) / 1000,
          }
        : null,
      energy: visible('energy') ? { energyTodayKwh: (consumption.energyWh ?? 0) / 1000 } : null,
      water: visible('water')
        ? {
            metersTotal: state.metersTotal,
            activeLeaks: state.activeLeaks,
            volumeTodayM3: consumption.waterM3 ?? 0,
          }
        : null,
      parking: visible('parking')
        ? {
            spotsTotal: state.parkingSpots,
            spotsOccupied: state.parkingOccupied,
            occupancyPercent: state.parkingSpots ? (100 * state.parkingOccupied) / state.parkingSpots : null,
          }
        : null,
      waste: visible('waste') ? { binsTotal: state.binsTotal, binsFull: state.binsFull } : null,
      airQuality: visible('airQuality')
        ? { worstAqi: worst?.aqi ?? null, worstDeviceId: worst?.deviceId ?? null, sensorsTotal: air.length }
        : null,
    };
  }
}
