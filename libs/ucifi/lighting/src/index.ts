export * from './compile';
export * from './decompile';
export * from './energy';
export * from './local-time';
export * from './program';
export * from './schedule';
export * from './solar';
export * from './time-expression';
