/**
 * What the signed-in user may do, from the roles the gateway reads in their token (`me.roles`: platform-admin and
 * the city roles held in the request's tenant). The console only hides what the user cannot do; the gateway
 * refuses it anyway (apps/gateway/src/auth/permissions.ts).
 */
export interface Abilities {
  readonly issueCommands: boolean;
  readonly handleAlarms: boolean;
  readonly manageDevices: boolean;
}

export function abilitiesOf(roles: readonly string[]): Abilities {
  const has = (r: string): boolean => roles.includes(r);
  const admin = has('platform-admin') || has('city-admin');
  return {
    issueCommands: admin || has('city-operator'),
    handleAlarms: admin || has('city-operator'),
    manageDevices: admin,
  };
}
