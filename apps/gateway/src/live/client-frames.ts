import { parse } from 'graphql';

/** What the connection guard needs from a client's graphql-ws frame (graphql-transport-ws and legacy graphql-ws). */
export type ClientFrame =
  | { readonly kind: 'init'; readonly payload: unknown }
  | { readonly kind: 'ping'; readonly payload: unknown }
  | { readonly kind: 'subscribe'; readonly query: unknown }
  | { readonly kind: 'other' };

/** Reads one text frame; malformed frames are `other` (mercurius answers them itself). */
export function readClientFrame(data: unknown): ClientFrame {
  let message: unknown;
  try {
    message = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
  } catch {
    return { kind: 'other' };
  }
  if (!message || typeof message !== 'object') return { kind: 'other' };
  const m = message as { type?: unknown; payload?: unknown };
  switch (m.type) {
    case 'connection_init':
      return { kind: 'init', payload: m.payload };
    case 'ping':
      return { kind: 'ping', payload: m.payload };
    case 'subscribe': // graphql-transport-ws
    case 'start': // legacy graphql-ws
      return { kind: 'subscribe', query: (m.payload as { query?: unknown } | undefined)?.query };
    default:
      return { kind: 'other' };
  }
}

/**
 * Whether a subscription document stays within the parser's token limit. Mercurius parses subscription documents
 * without the limit the HTTP path applies (`graphql.parseOptions`), so the guard checks them first.
 */
export function withinTokenLimit(query: unknown, maxTokens: number): boolean {
  if (typeof query !== 'string') return true;
  try {
    parse(query, { maxTokens });
    return true;
  } catch (err) {
    return !/tokens/.test((err as Error).message);
  }
}
