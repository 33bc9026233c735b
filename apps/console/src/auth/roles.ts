/**
 * What the signed-in user may do, from the roles the gateway reads in their token (`me.roles`: platform-admin and
 * the city roles held in the request's tenant). The console only hides what the user cannot do; the gateway
 * refuses it anyway (apps/gateway/src/auth/permissions.ts).
 */
export interface Abilities {
  readonly issueCommands: boolean;
  readonly handleAlarms: boolean;
  readonly manageDevices: boolean;
  /** Device categories the user sees; null: all. A utility-only user sees its utility domains' categories. */
  readonly categories: readonly string[] | null;
}

export function abilitiesOf(roles: readonly string[], utilityDomains: readonly string[] = []): Abilities {
  const has = (r: string): boolean => roles.includes(r);
  const admin = has('platform-admin') || has('city-admin');
  const cityWide = admin || has('city-operator') || has('city-viewer');
  return {
    issueCommands: admin || has('city-operator'),
    handleAlarms: admin || has('city-operator'),
    manageDevices: admin,
    categories: !cityWide && has('utility') ? utilityDomains : null,
  };
}

export function seesCategory(abilities: Abilities, category: string): boolean {
  return abilities.categories === null || abilities.categories.includes(category);
}
