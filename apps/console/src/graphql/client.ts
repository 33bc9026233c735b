/**
 * The GraphQL client: urql (small, maintained, document cache, first-class subscriptions) over HTTP for queries
 * and mutations, graphql-ws (graphql-transport-ws protocol, the gateway's) for subscriptions. The access token goes
 * in the Authorization header and in connection_init's payload, as the gateway's live guard expects.
 */
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { cacheExchange, Client, fetchExchange, subscriptionExchange } from 'urql';

export interface ApiClients {
  readonly client: Client;
  readonly ws: WsClient;
}

/**
 * `idle`: no subscription running, the socket closed on purpose (lazy); `lost`: it closed abnormally (retried);
 * `refused`: the gateway refused the token (not retried: the user must sign in again).
 */
export type LinkState = 'idle' | 'connecting' | 'connected' | 'lost' | 'refused';

/**
 * Close codes by which the gateway refuses the access token (graphql-transport-ws protocol: 4401 Unauthorized,
 * 4403 Forbidden). Reconnecting with the same token cannot succeed.
 */
const TOKEN_REFUSED = new Set([4401, 4403]);

function closeCode(event: unknown): unknown {
  return event && typeof event === 'object' && 'code' in event
    ? (event as { code: unknown }).code
    : undefined;
}

/**
 * graphql-ws `shouldRetry`: every connection problem is retried (with its backoff), except the gateway refusing the
 * token (graphql-ws itself gives up on 4401 but would retry 4403 forever).
 */
export function shouldRetryConnection(errOrCloseEvent: unknown): boolean {
  return !TOKEN_REFUSED.has(closeCode(errOrCloseEvent) as number);
}

/** RFC 6455 §7.4.1: 1000 is a normal closure (graphql-ws closes a lazy socket with it when nothing is subscribed). */
export function linkStateAfterClose(event: unknown): LinkState {
  const code = closeCode(event);
  if (code === 1000) return 'idle';
  return TOKEN_REFUSED.has(code as number) ? 'refused' : 'lost';
}

/** How the link state moves: a lost or refused link stays so while a new attempt connects, until it is connected. */
export function nextLinkState(prev: LinkState, next: LinkState): LinkState {
  return (prev === 'lost' || prev === 'refused') && next === 'connecting' ? prev : next;
}

export function createApiClients(
  urls: { http: string; ws: string },
  token: () => string | undefined,
  onLink: (state: LinkState) => void,
): ApiClients {
  const ws = createWsClient({
    url: urls.ws,
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: shouldRetryConnection,
    connectionParams: () => {
      const t = token();
      return t ? { authorization: `Bearer ${t}` } : {};
    },
    on: {
      connecting: () => onLink('connecting'),
      connected: () => onLink('connected'),
      closed: (event) => onLink(linkStateAfterClose(event)),
    },
  });
  const client = new Client({
    url: urls.http,
    requestPolicy: 'cache-and-network',
    fetchOptions: (): RequestInit => {
      const t = token();
      const headers: Record<string, string> = t ? { authorization: `Bearer ${t}` } : {};
      return { headers };
    },
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, ws };
}
