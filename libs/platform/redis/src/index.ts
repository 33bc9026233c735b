export * from './redis-cache';
export * from './redis-client';
