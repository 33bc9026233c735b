export * from './kafka-admin';
export * from './kafka-client';
export * from './kafka-consumer';
export * from './kafka-producer';
export * from './kafka.errors';
export { kafkaLogLevel, pinoLogCreator } from './kafka-log.adapter';
export * from './kafka-tracing';
