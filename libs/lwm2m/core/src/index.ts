export * from './data-type';
export * from './model';
export * from './node';
export * from './path';
