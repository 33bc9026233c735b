export * from './kafka-admin';
export * from './kafka-client';
export * from './kafka-consumer';
export * from './kafka-producer';
export * from './kafka.errors';
export { kafkaLogLevel, pinoLogCreator } from './kafka-log.adapter';
export * from './kafka-tracing';
export * from './scram-codec';
export * from './scram-credentials';
