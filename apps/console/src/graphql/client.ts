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

/** `idle`: no subscription running, the socket closed on purpose (lazy); `lost`: it closed abnormally. */
export type LinkState = 'idle' | 'connecting' | 'connected' | 'lost';

/** RFC 6455 §7.4.1: 1000 is a normal closure (graphql-ws closes a lazy socket with it when nothing is subscribed). */
export function linkStateAfterClose(event: unknown): LinkState {
  const code =
    event && typeof event === 'object' && 'code' in event ? (event as { code: unknown }).code : undefined;
  return code === 1000 ? 'idle' : 'lost';
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
    shouldRetry: () => true,
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
