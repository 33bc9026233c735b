import { type Logger } from '@smartcity/platform-observability';
import { Kafka } from 'kafkajs';
import { kafkaLogLevel, pinoLogCreator } from './kafka-log.adapter';

export interface KafkaClientOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly logger: Logger;
  /** TCP connect timeout per broker (ms). */
  readonly connectionTimeoutMs?: number;
  /** Time a broker has to answer one request (ms). */
  readonly requestTimeoutMs?: number;
}

/**
 * The connection settings shared by producers, consumers and the admin helper. The rest of the code base
 * never imports kafkajs: it is unmaintained since 2023, so it stays behind this library's small interface.
 */
export class KafkaClient {
  /** @internal the kafkajs instance, for this library's own classes only. */
  readonly kafka: Kafka;
  readonly logger: Logger;

  constructor(readonly options: KafkaClientOptions) {
    this.logger = options.logger.child({ context: 'Kafka' });
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: options.connectionTimeoutMs ?? 1000,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      logLevel: kafkaLogLevel(options.logger.level),
      logCreator: pinoLogCreator(options.logger),
      retry: { initialRetryTime: 100, retries: 5 },
    });
  }
}
