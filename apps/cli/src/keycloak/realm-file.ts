/** The parts of a Keycloak realm export (`deploy/local/keycloak/realm-smartcity.json`) the realm sync applies. */
export interface RoleRep {
  readonly name: string;
  readonly description?: string;
}

export interface MapperRep {
  readonly name: string;
  readonly protocol: string;
  readonly protocolMapper: string;
  readonly config?: Record<string, string>;
}

export interface ClientScopeRep {
  readonly name: string;
  readonly protocolMappers?: MapperRep[];
  readonly [key: string]: unknown;
}

export interface ClientRep {
  readonly clientId: string;
  readonly defaultClientScopes?: string[];
  readonly [key: string]: unknown;
}

export interface UserRep {
  readonly username: string;
  readonly enabled?: boolean;
  readonly email?: string;
  readonly emailVerified?: boolean;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly attributes?: Record<string, string[]>;
  readonly credentials?: { type: string; value: string; temporary?: boolean }[];
  readonly realmRoles?: string[];
}

export interface GroupRep {
  readonly id?: string;
  readonly name: string;
  readonly subGroups?: GroupRep[];
}

export interface MemberRep {
  readonly username: string;
  /** Ids of organization groups (`groups[].id` of the same organization), as Keycloak's import expects. */
  readonly groups?: string[];
}

export interface OrganizationRep {
  readonly alias: string;
  readonly name: string;
  readonly description?: string;
  readonly enabled?: boolean;
  readonly domains?: { name: string; verified?: boolean }[];
  readonly members?: MemberRep[];
  readonly groups?: GroupRep[];
}

export interface RealmFile {
  readonly roles?: { realm?: RoleRep[] };
  readonly clientScopes?: ClientScopeRep[];
  readonly clients?: ClientRep[];
  readonly users?: UserRep[];
  readonly organizations?: OrganizationRep[];
}

/** Every group path of an organization's tree (`/utility`, `/utility/water`), parents before children. */
export function groupPaths(groups: readonly GroupRep[] = [], parent = ''): string[] {
  return groups.flatMap((g) => [`${parent}/${g.name}`, ...groupPaths(g.subGroups, `${parent}/${g.name}`)]);
}

/** Group id -> path within one organization's declared tree. */
export function groupPathsById(groups: readonly GroupRep[] = [], parent = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const g of groups) {
    const path = `${parent}/${g.name}`;
    if (g.id) out.set(g.id, path);
    for (const [id, p] of groupPathsById(g.subGroups, path)) out.set(id, p);
  }
  return out;
}
