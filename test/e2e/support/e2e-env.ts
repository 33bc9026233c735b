import { LOCAL_STACK } from '@smartcity/platform-config';
import { createPool, TenantAdminRepository } from '@smartcity/platform-db';
import { Kafka, logLevel } from 'kafkajs';
import { type Pool } from 'pg';

/** Local stack endpoints, overridable like the apps' own configuration. */
export const E2E = {
  ownerDatabaseUrl: process.env.DATABASE_OWNER_URL || LOCAL_STACK.databaseOwnerUrl,
  kafkaBrokers: (process.env.KAFKA_BROKERS || LOCAL_STACK.kafkaBrokers).split(','),
  keycloakUrl: process.env.KEYCLOAK_URL || LOCAL_STACK.keycloakUrl,
  realm: LOCAL_STACK.keycloakRealm,
  demoPassword: process.env.DEMO_PASSWORD || 'smartcity-demo',
};

export function runId(): string {
  return Math.random().toString(36).slice(2, 8);
}

/**
 * Test cities: tenants created straight in the database (owner role) with auto-provisioning by endpoint prefix,
 * deleted with all their data afterwards, together with their Kafka topics.
 */
export class TestTenants {
  private readonly pool: Pool;
  private readonly repo: TenantAdminRepository;
  private readonly created: string[] = [];

  constructor() {
    this.pool = createPool({ connectionString: E2E.ownerDatabaseUrl, applicationName: 'e2e-tests', max: 2 });
    this.repo = new TenantAdminRepository(this.pool);
  }

  /**
   * A city whose unknown endpoints starting with `<id>-` are provisioned on registration; with `observe`, they get
   * a device profile telling the ingest what to observe (device_profiles.observe).
   */
  async create(
    id: string,
    observe?: ReadonlyArray<{ path: string; attributes?: Record<string, number> }>,
  ): Promise<{ id: string; prefix: string }> {
    const prefix = `${id}-`;
    await this.repo.create({
      id,
      name: `E2E ${id}`,
      autoProvision: true,
      autoProvisionPrefix: prefix,
      // The test fleets are auto-provisioned NoSec devices (the coaps path has its own tests).
      allowNosec: true,
      plan: 'enterprise', // 20,000 messages/s: the run's rates stay within the tenant's quota
      ...(observe ? { autoProvisionProfile: 'e2e-profile' } : {}),
    });
    this.created.push(id);
    if (observe) {
      await this.pool.query(
        `INSERT INTO device_profiles (tenant_id, name, observe) VALUES ($1, 'e2e-profile', $2)`,
        [id, JSON.stringify(observe)],
      );
    }
    return { id, prefix };
  }

  get owner(): Pool {
    return this.pool;
  }

  async cleanup(extraTopics: readonly string[] = []): Promise<void> {
    for (const id of this.created) await this.repo.delete(id).catch(() => undefined);
    const topics = [
      ...extraTopics,
      ...this.created.flatMap((t) => [`city.${t}.telemetry.v1`, `city.${t}.events.v1`]),
    ];
    await deleteTopics(topics);
    await this.pool.end();
  }
}

export async function deleteTopics(topics: readonly string[]): Promise<void> {
  const admin = new Kafka({
    brokers: E2E.kafkaBrokers,
    clientId: 'e2e-cleanup',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length) await admin.deleteTopics({ topics: present, timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}

/** An access token of a demo user (Keycloak password grant on the public CLI client). */
export async function demoToken(username: string): Promise<string> {
  const res = await fetch(`${E2E.keycloakUrl}/realms/${E2E.realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'smartcity-cli',
      username,
      password: E2E.demoPassword,
    }),
  });
  if (!res.ok) throw new Error(`token for ${username}: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface GraphqlResult<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export async function graphql<T>(
  url: string,
  token: string,
  tenant: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlResult<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      ...(tenant ? { 'x-tenant': tenant } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphqlResult<T>;
}

/** Polls until `check` returns a value (not undefined) or the time is up; returns the last value or throws. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
