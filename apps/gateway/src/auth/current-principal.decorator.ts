import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { type Principal } from '@smartcity/platform-auth';
import { GatewayException } from '../errors/gateway.exception';
import { type GatewayContext } from '../graphql/gateway-context';

/** The request's principal; only on handlers the policy guard already let through. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = GqlExecutionContext.create(ctx).getContext<GatewayContext>().principal;
  if (!principal) throw GatewayException.unauthenticated();
  return principal;
});

/** The request context (loaders, principal). */
export const RequestContext = createParamDecorator((_data: unknown, ctx: ExecutionContext): GatewayContext =>
  GqlExecutionContext.create(ctx).getContext<GatewayContext>(),
);
