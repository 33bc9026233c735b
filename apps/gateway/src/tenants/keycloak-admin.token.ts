/** Injection token of the KeycloakAdminClient. */
export const KEYCLOAK_ADMIN = Symbol('KEYCLOAK_ADMIN');
