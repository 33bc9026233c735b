import { type Principal } from '@smartcity/platform-auth';
import { type LiveConnection } from '../live/live-connection';
import { type LoaderDeps, RequestLoaders } from './request-loaders';

/** The GraphQL context of one request (HTTP) or one subscription connection (graphql-ws). */
export interface GatewayContext {
  /** Set when the request carried a valid token. */
  readonly principal?: Principal;
  /** Why authentication failed (no token, expired...): the policy guard reports it on the first guarded field. */
  readonly authError?: unknown;
  readonly loaders: RequestLoaders;
  /** The graphql-ws connection of a subscription (its current token, its subscription count). */
  readonly live?: LiveConnection;
}

export function createGatewayContext(
  deps: LoaderDeps,
  auth: { principal?: Principal; authError?: unknown; live?: LiveConnection },
  options: { cache?: boolean } = {},
): GatewayContext {
  return {
    ...(auth.principal ? { principal: auth.principal } : {}),
    ...(auth.authError ? { authError: auth.authError } : {}),
    ...(auth.live ? { live: auth.live } : {}),
    loaders: new RequestLoaders(deps, auth.principal, options.cache ?? true),
  };
}
