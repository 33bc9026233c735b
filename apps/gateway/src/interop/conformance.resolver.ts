import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { describeCatalogue, renderHtml, renderText } from '@smartcity/lwm2m-conformance';
import { type Principal } from '@smartcity/platform-auth';
import { CurrentPrincipal, RequestContext } from '../auth/current-principal.decorator';
import { Permission, tenantOf } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { assertSameTenant } from '../auth/tenant-guard';
import { isUuid } from '../common/cursor';
import { JsonScalar } from '../common/json.scalar';
import { TenantDb } from '../db/tenant-db.service';
import { GatewayException } from '../errors/gateway.exception';
import { type GatewayContext } from '../graphql/gateway-context';
import { toReport, toRun, vendorSummaries } from './conformance.mapping';
import { ConformanceCaseDescription, ConformanceRun, ConformanceVendorSummary } from './conformance.models';
import { ConformanceRepository } from './conformance.repository';
import { ConformanceService } from './conformance.service';

/**
 * Interoperability lab (issue 23): conformance runs against a connected device, their reports (GraphQL, JSON,
 * HTML) and the summary per vendor and model. Starting a run is a device command (city operators and admins).
 */
@Resolver(() => ConformanceRun)
export class ConformanceResolver {
  constructor(
    private readonly service: ConformanceService,
    private readonly repository: ConformanceRepository,
    private readonly db: TenantDb,
  ) {}

  @Mutation(() => ConformanceRun, {
    description:
      'Starts a conformance run (LwM2M ETS-style cases + uCIFI/OMA object profiles) against a connected device; ' +
      'returns it RUNNING, follow it with conformanceRun(id). Safe (non-disturbing) cases only unless fullSuite; ' +
      'a lamp controller in a lighting program needs confirmLighting for any run, any lamp controller for the full suite.',
  })
  @Requires(Permission.IssueCommands)
  async startConformanceRun(
    @CurrentPrincipal() p: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('fullSuite', { type: () => Boolean, nullable: true, defaultValue: false }) fullSuite: boolean,
    @Args('confirmLighting', { type: () => Boolean, nullable: true, defaultValue: false })
    confirmLighting: boolean,
  ): Promise<ConformanceRun> {
    const row = await this.service.start(p, deviceId, {
      fullSuite: fullSuite ?? false,
      confirmLighting: confirmLighting ?? false,
    });
    return toRun(row);
  }

  @Query(() => ConformanceRun, { nullable: true })
  @Requires(Permission.ReadCommands)
  async conformanceRun(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ConformanceRun | null> {
    if (!isUuid(id)) return null;
    const row = await this.db.inTenant(tenantOf(p), (tx) => this.repository.findById(tx, id));
    return row ? toRun(row) : null;
  }

  @Query(() => [ConformanceRun], { description: 'Runs of a device (or of the city), newest first.' })
  @Requires(Permission.ReadCommands)
  async conformanceRuns(
    @CurrentPrincipal() p: Principal,
    @Args('deviceId', { type: () => ID, nullable: true }) deviceId: string | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
  ): Promise<ConformanceRun[]> {
    if (deviceId && !isUuid(deviceId)) throw GatewayException.badInput('invalid deviceId', 'deviceId');
    const rows = await this.db.inTenant(tenantOf(p), (tx) =>
      this.repository.list(tx, { deviceId, limit: Math.min(Math.max(first ?? 20, 1), 200) }),
    );
    return rows.map(toRun);
  }

  @Query(() => [ConformanceVendorSummary], {
    description: "Conformance per vendor, model and object versions across the city's completed runs.",
  })
  @Requires(Permission.ReadCommands)
  async conformanceSummary(@CurrentPrincipal() p: Principal): Promise<ConformanceVendorSummary[]> {
    const rows = await this.db.inTenant(tenantOf(p), (tx) =>
      this.repository.list(tx, { status: 'COMPLETED', limit: 1000 }),
    );
    return vendorSummaries(rows);
  }

  @Query(() => [ConformanceCaseDescription], {
    description: 'The LwM2M cases of the catalogue (object profiles 501-503 are added per declared object).',
  })
  @Requires(Permission.ReadCommands)
  conformanceCatalogue(): ConformanceCaseDescription[] {
    return describeCatalogue().map((c) => ({ ...c, caseId: c.id }));
  }

  @ResolveField(() => JsonScalar, { description: 'The report as JSON (every case with its evidence).' })
  @Requires(Permission.ReadCommands)
  report(@RequestContext() ctx: GatewayContext, @Parent() run: ConformanceRun): unknown {
    assertSameTenant(ctx, run.tenantId);
    return toReport(run.source);
  }

  @ResolveField(() => String, { description: 'The report as a self-contained HTML document (for a tender).' })
  @Requires(Permission.ReadCommands)
  reportHtml(@RequestContext() ctx: GatewayContext, @Parent() run: ConformanceRun): string {
    assertSameTenant(ctx, run.tenantId);
    return renderHtml(toReport(run.source));
  }

  @ResolveField(() => String, { description: 'The report as plain text (what the CLI prints).' })
  @Requires(Permission.ReadCommands)
  reportText(@RequestContext() ctx: GatewayContext, @Parent() run: ConformanceRun): string {
    assertSameTenant(ctx, run.tenantId);
    return renderText(toReport(run.source));
  }
}
