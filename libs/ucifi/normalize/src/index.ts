export * from './alarms';
export * from './categories';
export * from './measurement';
export * from './metric-catalog';
export * from './normalizer';
export * from './units';
export * from './views';
