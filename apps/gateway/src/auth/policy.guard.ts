import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import { GatewayException } from '../errors/gateway.exception';
import { type GatewayContext } from '../graphql/gateway-context';
import { authorize, type Permission } from './permissions';
import { PERMISSION_KEY } from './requires.decorator';

/**
 * Global guard on every GraphQL resolver and field resolver (fieldResolverEnhancers includes guards): the handler's
 * declared permission is checked against the request's principal. No declaration means no access.
 */
@Injectable()
export class PolicyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType<GqlContextType>() !== 'graphql') return true; // plain HTTP routes have their own handling
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!permission) throw GatewayException.forbidden('operation has no access policy');
    const gql = GqlExecutionContext.create(context).getContext<GatewayContext>();
    if (gql.authError) throw gql.authError;
    authorize(gql.principal, permission);
    return true;
  }
}
