import { GatewayException } from '../errors/gateway.exception';
import { type GatewayContext } from '../graphql/gateway-context';

/**
 * Field resolvers re-check that their parent belongs to the caller's tenant. Row-level security already keeps
 * other tenants' rows out; this second check keeps a future bug in a parent resolver from leaking children.
 */
export function assertSameTenant(ctx: GatewayContext, tenantId: string): void {
  if (!ctx.principal || ctx.principal.tenant !== tenantId) throw GatewayException.forbidden();
}
