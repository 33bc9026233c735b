/**
 * The console's configuration, read once at start from `/config.json` (replaced per deployment without a rebuild:
 * the static image mounts its own), with VITE_* build-time overrides for development. The only module that reads
 * either.
 */
export interface ConsoleConfig {
  /** GraphQL over HTTP; relative to the console's origin or absolute. graphql-ws uses the same path. */
  readonly graphqlUrl: string;
  /** Realm issuer, e.g. http://127.0.0.1:8080/realms/smartcity. */
  readonly oidcAuthority: string;
  readonly oidcClientId: string;
  /** Tile URL template for the map (production); null: no basemap, devices over the city outline only. */
  readonly tileUrl: string | null;
  /** IANA time zone per tenant; others use the browser's. */
  readonly timeZones: Readonly<Record<string, string>>;
}

const DEFAULTS: ConsoleConfig = {
  graphqlUrl: '/graphql',
  oidcAuthority: 'http://127.0.0.1:8080/realms/smartcity',
  oidcClientId: 'console',
  tileUrl: null,
  timeZones: {},
};

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  let file: Record<string, unknown> = {};
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    if (res.ok) file = (await res.json()) as Record<string, unknown>;
  } catch {
    // No config.json: the defaults (local stack) apply.
  }
  const env = import.meta.env;
  const timeZones =
    file.timeZones && typeof file.timeZones === 'object' ? (file.timeZones as Record<string, string>) : {};
  return {
    graphqlUrl: str(env.VITE_GRAPHQL_URL) ?? str(file.graphqlUrl) ?? DEFAULTS.graphqlUrl,
    oidcAuthority: str(env.VITE_OIDC_AUTHORITY) ?? str(file.oidcAuthority) ?? DEFAULTS.oidcAuthority,
    oidcClientId: str(env.VITE_OIDC_CLIENT_ID) ?? str(file.oidcClientId) ?? DEFAULTS.oidcClientId,
    tileUrl: str(env.VITE_TILE_URL) ?? str(file.tileUrl) ?? null,
    timeZones,
  };
}

/** Absolute http(s) and ws(s) URLs of the API, resolved against the console's origin. */
export function apiUrls(config: ConsoleConfig, origin: string): { http: string; ws: string } {
  const http = new URL(config.graphqlUrl, origin);
  const ws = new URL(http.href);
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  return { http: http.href, ws: ws.href };
}
