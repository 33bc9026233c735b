/** Where and as whom the CLI reaches Keycloak's admin REST API (development defaults of deploy/local). */
export interface KeycloakAdminTarget {
  readonly url: string;
  readonly realm: string;
  readonly adminUser: string;
  readonly adminPassword: string;
}

export class KeycloakAdminError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'KeycloakAdminError';
  }
}

/**
 * A thin client of `/admin/realms/<realm>`: JSON in and out, the admin token (master realm, admin-cli) fetched once
 * and renewed when Keycloak answers 401. Paths are relative to the realm.
 */
export class KeycloakAdmin {
  private token: string | undefined;

  constructor(private readonly target: KeycloakAdminTarget) {}

  get realm(): string {
    return this.target.realm;
  }

  get<T>(path: string): Promise<T> {
    return this.request('GET', path) as Promise<T>;
  }

  /** GET that answers null for 404 instead of throwing. */
  async find<T>(path: string): Promise<T | null> {
    try {
      return await this.get<T>(path);
    } catch (err) {
      if (err instanceof KeycloakAdminError && err.status === 404) return null;
      throw err;
    }
  }

  /** POST; returns the id at the end of the `Location` header of a 201, or the JSON body. */
  post(path: string, body?: unknown): Promise<unknown> {
    return this.request('POST', path, body);
  }

  put(path: string, body?: unknown): Promise<unknown> {
    return this.request('PUT', path, body);
  }

  delete(path: string, body?: unknown): Promise<unknown> {
    return this.request('DELETE', path, body);
  }

  async request(method: string, path: string, body?: unknown, retried = false): Promise<unknown> {
    const token = await this.adminToken();
    const res = await fetch(
      `${this.target.url}/admin/realms/${encodeURIComponent(this.target.realm)}${path}`,
      {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(30_000),
      },
    );
    if (res.status === 401 && !retried) {
      this.token = undefined;
      return this.request(method, path, body, true);
    }
    if (!res.ok) {
      throw new KeycloakAdminError(
        `${method} ${path}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`,
        res.status,
      );
    }
    if (res.status === 201) return res.headers.get('location')?.split('/').pop() ?? null;
    const text = await res.text();
    return text ? (JSON.parse(text) as unknown) : null;
  }

  private async adminToken(): Promise<string> {
    if (this.token) return this.token;
    const res = await fetch(`${this.target.url}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'admin-cli',
        username: this.target.adminUser,
        password: this.target.adminPassword,
      }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new KeycloakAdminError(`Keycloak admin login: HTTP ${res.status}`, res.status);
    this.token = ((await res.json()) as { access_token: string }).access_token;
    return this.token;
  }
}

export interface OrganizationSummary {
  readonly id: string;
  readonly alias: string;
  readonly name: string;
}

/** The organization with this alias; Keycloak's `search` matches names and domains, not aliases, so page through. */
export async function findOrganization(
  kc: KeycloakAdmin,
  alias: string,
): Promise<OrganizationSummary | null> {
  for (let first = 0; ; first += 100) {
    const page = await kc.get<OrganizationSummary[]>(
      `/organizations?first=${first}&max=100&briefRepresentation=true`,
    );
    const hit = page.find((o) => o.alias === alias);
    if (hit) return hit;
    if (page.length < 100) return null;
  }
}
