import { type Authenticator } from '@smartcity/platform-auth';
import { Counter, Gauge, type Registry } from 'prom-client';
import { type GatewayConfig } from '../config/gateway.config';
import { authenticateConnection } from '../graphql/subscription-auth';
import { LiveConnections, type WsSocket } from './live-connections';

/** The connection guard of the gateway, with its metrics. */
export function createLiveConnections(
  config: GatewayConfig,
  authenticator: Authenticator,
  metrics: Registry,
): LiveConnections {
  const closed = new Counter({
    name: 'gateway_live_connections_closed_total',
    help: 'graphql-ws connections the gateway closed, by reason',
    labelNames: ['reason'] as const,
    registers: [metrics],
  });
  const refreshed = new Counter({
    name: 'gateway_live_token_refreshes_total',
    help: 'Refreshed tokens accepted on open graphql-ws connections',
    registers: [metrics],
  });
  const live: LiveConnections = new LiveConnections(
    (payload) => authenticateConnection(authenticator, payload),
    {
      initTimeoutMs: config.LIVE_INIT_TIMEOUT_MS,
      maxConnectionsPerUser: config.LIVE_MAX_CONNECTIONS_PER_USER,
      maxSubscriptionsPerConnection: config.LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxTokens: config.GRAPHQL_MAX_TOKENS,
      clockToleranceSec: config.OIDC_CLOCK_TOLERANCE_SEC,
      onClose: (reason) => closed.inc({ reason }),
      onRefresh: () => refreshed.inc(),
    },
  );
  new Gauge({
    name: 'gateway_live_connections',
    help: 'Authenticated graphql-ws connections',
    registers: [metrics],
    collect() {
      this.set(live.size);
    },
  });
  return live;
}

type WsHandler = (this: unknown, socket: WsSocket, request: unknown) => unknown;

/**
 * Puts the guard in front of every WebSocket route (the graphql-ws endpoint): mercurius registers its wsHandler in
 * an encapsulated plugin, so the guard wraps the handler when the route is declared. Registered on the root
 * instance before the app's modules, this onRoute hook runs before @fastify/websocket's, and the guard's socket
 * listeners come before mercurius's.
 */
export function guardWebSockets(
  fastify: { addHook(name: 'onRoute', hook: (route: { wsHandler?: WsHandler }) => void): unknown },
  live: LiveConnections,
): void {
  fastify.addHook('onRoute', (route) => {
    const handler = route.wsHandler;
    if (!handler) return;
    route.wsHandler = function (socket, request) {
      live.accept(socket);
      return handler.call(this, socket, request);
    };
  });
}
