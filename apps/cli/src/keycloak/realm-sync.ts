import { CITY_ROLES, ROLES } from '@smartcity/platform-auth';
import { findOrganization, type KeycloakAdmin } from './keycloak-admin';
import { groupPaths, groupPathsById, type OrganizationRep, type RealmFile, type UserRep } from './realm-file';

interface Identified {
  readonly id: string;
  readonly name: string;
}
interface LiveScope extends Identified {
  readonly protocolMappers?: (Identified & { config?: Record<string, string> })[];
}
interface LiveGroup extends Identified {
  readonly path: string;
}

const PLATFORM_ROLES: ReadonlySet<string> = new Set(ROLES);

/**
 * Brings an existing realm to what the realm file declares, through the admin REST API: Keycloak imports the file
 * only when the realm does not exist, so a developer's running Keycloak would otherwise keep an old realm. Applies
 * realm roles (and removes the realm-wide city roles, which now live in organization groups), client scopes and
 * their mappers, clients' default scopes, demo users with their realm roles, organizations with
 * their members, groups and group memberships. Idempotent; returns what it changed.
 */
export async function syncRealm(kc: KeycloakAdmin, file: RealmFile): Promise<string[]> {
  const changes: string[] = [];
  await syncRoles(kc, file, changes);
  await syncClientScopes(kc, file, changes);
  await syncClients(kc, file, changes);
  const userIds = new Map<string, string>();
  for (const user of file.users ?? []) userIds.set(user.username, await syncUser(kc, user, changes));
  for (const org of file.organizations ?? []) await syncOrganization(kc, org, userIds, changes);
  return changes;
}

async function syncRoles(kc: KeycloakAdmin, file: RealmFile, changes: string[]): Promise<void> {
  const declared = file.roles?.realm ?? [];
  const live = new Set((await kc.get<Identified[]>('/roles?first=0&max=1000')).map((r) => r.name));
  for (const role of declared) {
    if (live.has(role.name)) continue;
    await kc.post('/roles', { name: role.name, description: role.description });
    changes.push(`realm role ${role.name} created`);
  }
  // A realm-wide city role would hold in every city of its users (issue 17): only organization groups grant them.
  for (const name of CITY_ROLES) {
    if (!live.has(name) || declared.some((r) => r.name === name)) continue;
    await kc.delete(`/roles/${encodeURIComponent(name)}`);
    changes.push(`realm role ${name} deleted`);
  }
}

async function syncClientScopes(kc: KeycloakAdmin, file: RealmFile, changes: string[]): Promise<void> {
  const live = await kc.get<LiveScope[]>('/client-scopes');
  for (const scope of file.clientScopes ?? []) {
    const current = live.find((s) => s.name === scope.name);
    if (!current) {
      await kc.post('/client-scopes', scope);
      changes.push(`client scope ${scope.name} created`);
      continue;
    }
    for (const mapper of scope.protocolMappers ?? []) {
      const base = `/client-scopes/${current.id}/protocol-mappers/models`;
      const existing = current.protocolMappers?.find((m) => m.name === mapper.name);
      if (!existing) {
        await kc.post(base, mapper);
        changes.push(`mapper ${scope.name}/${mapper.name} created`);
      } else if (Object.entries(mapper.config ?? {}).some(([k, v]) => existing.config?.[k] !== v)) {
        await kc.put(`${base}/${existing.id}`, {
          ...existing,
          ...mapper,
          config: { ...existing.config, ...mapper.config },
        });
        changes.push(`mapper ${scope.name}/${mapper.name} updated`);
      }
    }
  }
}

async function syncClients(kc: KeycloakAdmin, file: RealmFile, changes: string[]): Promise<void> {
  const scopes = await kc.get<Identified[]>('/client-scopes');
  for (const client of file.clients ?? []) {
    const [live] = await kc.get<{ id: string }[]>(`/clients?clientId=${encodeURIComponent(client.clientId)}`);
    if (!live) {
      await kc.post('/clients', client);
      changes.push(`client ${client.clientId} created`);
      continue;
    }
    const base = `/clients/${live.id}/default-client-scopes`;
    const current = new Set((await kc.get<Identified[]>(base)).map((s) => s.name));
    for (const name of client.defaultClientScopes ?? []) {
      const scope = scopes.find((s) => s.name === name);
      if (current.has(name) || !scope) continue;
      await kc.put(`${base}/${scope.id}`);
      changes.push(`client ${client.clientId}: default scope ${name} added`);
    }
  }
}

async function syncUser(kc: KeycloakAdmin, user: UserRep, changes: string[]): Promise<string> {
  const byName = `/users?exact=true&username=${encodeURIComponent(user.username)}`;
  let [live] = await kc.get<({ id: string } & Record<string, unknown>)[]>(byName);
  if (!live) {
    const { realmRoles: _roles, ...rep } = user;
    await kc.post('/users', rep);
    [live] = await kc.get<({ id: string } & Record<string, unknown>)[]>(byName);
    if (!live) throw new Error(`user ${user.username} not created`);
    changes.push(`user ${user.username} created`);
  }
  // Attributes are not synced: the realm's user profile keeps them unmanaged, which the admin API neither shows
  // nor sets; the per-city utility domains are organization groups (`/utility/<domain>`) anyway.
  const id = live.id;
  const mapped = await kc.get<Identified[]>(`/users/${id}/role-mappings/realm`);
  const declared = new Set(user.realmRoles ?? []);
  const missing = [...declared].filter((r) => !mapped.some((m) => m.name === r));
  if (missing.length) {
    const reps = await Promise.all(missing.map((r) => kc.get<Identified>(`/roles/${encodeURIComponent(r)}`)));
    await kc.post(`/users/${id}/role-mappings/realm`, reps);
    changes.push(`user ${user.username}: realm roles ${missing.join(', ')} added`);
  }
  const extra = mapped.filter((m) => PLATFORM_ROLES.has(m.name) && !declared.has(m.name));
  if (extra.length) {
    await kc.delete(`/users/${id}/role-mappings/realm`, extra);
    changes.push(`user ${user.username}: realm roles ${extra.map((r) => r.name).join(', ')} removed`);
  }
  return id;
}

async function syncOrganization(
  kc: KeycloakAdmin,
  org: OrganizationRep,
  userIds: ReadonlyMap<string, string>,
  changes: string[],
): Promise<void> {
  let live = await findOrganization(kc, org.alias);
  if (!live) {
    const { members: _m, groups: _g, ...rep } = org;
    await kc.post('/organizations', rep);
    live = await findOrganization(kc, org.alias);
    if (!live) throw new Error(`organization ${org.alias} not created`);
    changes.push(`organization ${org.alias} created`);
  }
  const base = `/organizations/${live.id}`;
  const groupIds = await ensureGroups(kc, base, org, changes);
  const members = new Set(
    (await kc.get<{ id: string }[]>(`${base}/members?first=0&max=10000&briefRepresentation=true`)).map(
      (m) => m.id,
    ),
  );
  const pathOf = groupPathsById(org.groups);
  for (const member of org.members ?? []) {
    const userId = userIds.get(member.username);
    if (!userId) continue; // a member the file does not declare as a user: left to whoever manages it
    if (!members.has(userId)) {
      await kc.post(`${base}/members`, userId);
      changes.push(`${org.alias}: member ${member.username} added`);
    }
    const wanted = new Set((member.groups ?? []).map((id) => pathOf.get(id)).filter((p) => p !== undefined));
    const current = new Set(
      (await kc.get<LiveGroup[]>(`${base}/members/${userId}/groups`)).map((g) => g.path),
    );
    for (const path of wanted) {
      if (current.has(path)) continue;
      await kc.put(`${base}/groups/${groupIds.get(path)}/members/${userId}`);
      changes.push(`${org.alias}: ${member.username} joined ${path}`);
    }
    for (const path of current) {
      if (wanted.has(path) || !groupIds.has(path)) continue;
      await kc.delete(`${base}/groups/${groupIds.get(path)}/members/${userId}`);
      changes.push(`${org.alias}: ${member.username} left ${path}`);
    }
  }
}

/** Creates the declared organization groups that are missing; returns path -> live group id. */
async function ensureGroups(
  kc: KeycloakAdmin,
  base: string,
  org: OrganizationRep,
  changes: string[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const childrenOf = (parentPath: string) =>
    parentPath === ''
      ? kc.get<LiveGroup[]>(`${base}/groups?first=0&max=1000`)
      : kc.get<LiveGroup[]>(`${base}/groups/${ids.get(parentPath)}/children?first=0&max=1000`);
  for (const path of groupPaths(org.groups)) {
    const parent = path.slice(0, path.lastIndexOf('/'));
    const name = path.slice(path.lastIndexOf('/') + 1);
    let found = (await childrenOf(parent)).find((g) => g.name === name);
    if (!found) {
      await kc.post(parent === '' ? `${base}/groups` : `${base}/groups/${ids.get(parent)}/children`, {
        name,
      });
      found = (await childrenOf(parent)).find((g) => g.name === name);
      if (!found) throw new Error(`${org.alias}: group ${path} not created`);
      changes.push(`${org.alias}: group ${path} created`);
    }
    ids.set(path, found.id);
  }
  return ids;
}
