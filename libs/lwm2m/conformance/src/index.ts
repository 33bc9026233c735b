export * from './catalogue';
export { rangeOf } from './cases';
export * from './device-under-test';
export * from './model';
export * from './report';
