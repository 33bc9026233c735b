import { type Pool } from 'pg';

/** A write-attributes set for an observation (LwM2M Core 1.1.1 §5.1.2). */
export interface ObserveAttributes {
  readonly pmin?: number;
  readonly pmax?: number;
  readonly gt?: number;
  readonly lt?: number;
  readonly st?: number;
}

/** One entry of a device profile's observe spec: an object, instance or resource path to observe. */
export interface ObserveSpec {
  readonly path: string;
  readonly attributes?: ObserveAttributes;
}

/** Where an endpoint belongs; answered across tenants by `platform.resolve_endpoint` (SECURITY DEFINER). */
export interface EndpointResolution {
  readonly tenantId: string;
  readonly deviceId: string;
  readonly profile: string | null;
  readonly observe: ObserveSpec[];
  readonly decommissioned: boolean;
  readonly autoProvisioned: boolean;
}

interface ResolutionRow {
  tenant_id: string;
  device_id: string;
  profile: string | null;
  observe: ObserveSpec[];
  decommissioned: boolean;
  auto_provisioned: boolean;
}

function toResolution(row: ResolutionRow | undefined): EndpointResolution | null {
  if (!row) return null;
  return {
    tenantId: row.tenant_id,
    deviceId: row.device_id,
    profile: row.profile,
    observe: Array.isArray(row.observe) ? row.observe : [],
    decommissioned: row.decommissioned,
    autoProvisioned: row.auto_provisioned,
  };
}

/**
 * Endpoint lookups for the ingest, which learns the tenant from the endpoint name (ARCHITECTURE.md "Tenancy"):
 * the application role cannot read other tenants' devices, so both calls go through owner-defined functions
 * that answer this one question.
 */
export class EndpointRepository {
  constructor(private readonly pool: Pool) {}

  /** The endpoint's tenant and device, or null when unknown. */
  async resolve(endpoint: string): Promise<EndpointResolution | null> {
    const { rows } = await this.pool.query<ResolutionRow>('SELECT * FROM platform.resolve_endpoint($1)', [
      endpoint,
    ]);
    return toResolution(rows[0]);
  }

  /**
   * Creates the device of an unknown endpoint in the tenant whose auto-provision prefix matches it (longest
   * prefix wins); null when no tenant accepts it. Idempotent: an existing endpoint is returned as is.
   */
  async autoProvision(endpoint: string): Promise<EndpointResolution | null> {
    const { rows } = await this.pool.query<ResolutionRow>('SELECT * FROM platform.auto_provision($1)', [
      endpoint,
    ]);
    return toResolution(rows[0]);
  }
}
