export * from './redis-cache';
export * from './redis-client';
export * from './device-directory-cache';
export * from './device-changes';
export * from './redis-scripts';
export * from './tenant-keys';
