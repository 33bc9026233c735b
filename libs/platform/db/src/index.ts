export * from './config/db.config';
export * from './db.errors';
export * from './endpoint.repository';
export * from './migrate';
export * from './pool';
export * from './tenant-admin.repository';
export * from './transaction';
