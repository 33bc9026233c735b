export * from './auth.errors';
export * from './authenticator';
export * from './claims';
export * from './principal';
export * from './roles';
export * from './token-verifier';
