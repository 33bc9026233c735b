export * from './auth.errors';
export * from './authenticator';
export * from './claims';
export * from './organization-roles';
export * from './principal';
export * from './roles';
export * from './token-verifier';
