import { CITY_ROLES } from '@smartcity/platform-auth';
import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';

export interface KeycloakAdminSettings {
  readonly baseUrl: string;
  /** Realm holding the organizations (`smartcity`). */
  readonly realm: string;
  /** Realm and client the admin user authenticates with (`master`, `admin-cli`). */
  readonly adminRealm: string;
  readonly clientId: string;
  readonly username: string;
  readonly password: string;
  readonly timeoutMs?: number;
}

export interface Organization {
  readonly id: string;
  readonly alias: string;
  readonly name: string;
  readonly enabled: boolean;
}

/**
 * The few Keycloak admin REST calls tenant management needs (Keycloak 26 Organizations:
 * `/admin/realms/{realm}/organizations`). Admin tokens are fetched with the password grant and reused until
 * shortly before they expire.
 */
export class KeycloakAdminClient {
  private token: { value: string; until: number } | undefined;

  constructor(private readonly settings: KeycloakAdminSettings) {}

  /**
   * The organization with this alias. Keycloak's `search` parameter matches names and domains, not aliases, so the
   * list is paged through (brief representations, 100 per page).
   */
  async findOrganization(alias: string): Promise<Organization | null> {
    const pageSize = 100;
    for (let first = 0; ; first += pageSize) {
      const params = new URLSearchParams({
        first: String(first),
        max: String(pageSize),
        briefRepresentation: 'true',
      });
      const page = (await this.request('GET', `/organizations?${params}`)) as Organization[];
      const hit = page.find((o) => o.alias === alias);
      if (hit) return hit;
      if (page.length < pageSize) return null;
    }
  }

  /** Creates the organization of a tenant, or returns the existing one (idempotent by alias). */
  async ensureOrganization(alias: string, name: string, domain: string): Promise<Organization> {
    const existing = await this.findOrganization(alias);
    if (existing) {
      if (existing.name !== name) await this.updateOrganization(existing.id, { ...existing, name });
      return { ...existing, name };
    }
    const location = await this.request('POST', '/organizations', {
      alias,
      name,
      enabled: true,
      description: `Tenant ${alias}`,
      domains: [{ name: domain, verified: false }],
    });
    // 201 Created with `Location: .../organizations/<id>`.
    const id = typeof location === 'string' ? location.split('/').pop() : undefined;
    const created = id ? { id, alias, name, enabled: true } : await this.findOrganization(alias);
    if (!created) throw new GatewayException(GatewayErrorCode.ServiceUnavailable, 'organization not created');
    return created;
  }

  /**
   * The organization groups that carry the city roles (Keycloak 26.6+): a member of the group `city-operator` of
   * this organization is city-operator in this city only. Creates the missing ones (idempotent).
   */
  async ensureRoleGroups(id: string): Promise<void> {
    const base = `/organizations/${encodeURIComponent(id)}/groups`;
    const existing = new Set(
      ((await this.request('GET', `${base}?first=0&max=1000`)) as { name: string }[]).map((g) => g.name),
    );
    for (const role of CITY_ROLES) {
      if (!existing.has(role)) await this.request('POST', base, { name: role });
    }
  }

  async updateOrganization(id: string, organization: Organization): Promise<void> {
    const current = (await this.request('GET', `/organizations/${encodeURIComponent(id)}`)) as Record<
      string,
      unknown
    >;
    await this.request('PUT', `/organizations/${encodeURIComponent(id)}`, {
      ...current,
      name: organization.name,
    });
  }

  async deleteOrganization(id: string): Promise<void> {
    await this.request('DELETE', `/organizations/${encodeURIComponent(id)}`);
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const token = await this.adminToken();
    const res = await this.fetch(
      `${this.settings.baseUrl}/admin/realms/${encodeURIComponent(this.settings.realm)}${path}`,
      {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      },
    );
    if (res.status === 401) this.token = undefined;
    if (!res.ok) {
      throw new KeycloakAdminError(
        `${method} ${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`,
        res.status,
      );
    }
    if (res.status === 201) return res.headers.get('location');
    const text = await res.text();
    return text ? (JSON.parse(text) as unknown) : null;
  }

  private async adminToken(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    const res = await this.fetch(
      `${this.settings.baseUrl}/realms/${encodeURIComponent(this.settings.adminRealm)}/protocol/openid-connect/token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: this.settings.clientId,
          username: this.settings.username,
          password: this.settings.password,
        }).toString(),
      },
    );
    if (!res.ok) throw new KeycloakAdminError(`admin login answered ${res.status}`, res.status);
    const json = (await res.json()) as { access_token: string; expires_in: number };
    this.token = { value: json.access_token, until: Date.now() + Math.max(json.expires_in - 30, 5) * 1000 };
    return json.access_token;
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.settings.timeoutMs ?? 30_000) });
    } catch (err) {
      throw new KeycloakAdminError(`Keycloak unreachable: ${(err as Error).message}`, 0);
    }
  }
}

/** A failed admin call; its details are logged, the client sees SERVICE_UNAVAILABLE. */
export class KeycloakAdminError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'KeycloakAdminError';
  }
}
