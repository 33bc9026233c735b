import { type Logger } from '@smartcity/platform-observability';
import { connect } from 'node:net';
import { Kafka, type ISocketFactory, type KafkaConfig } from 'kafkajs';
import { kafkaLogLevel, pinoLogCreator } from './kafka-log.adapter';

/** How the client authenticates and protects its connections; absent: PLAINTEXT (the local stack). */
export interface KafkaAuthentication {
  /** SASL/SCRAM (RFC 5802, RFC 7677; Kafka KIP-84) with the app's own principal. */
  readonly sasl?: {
    readonly mechanism: 'scram-sha-512' | 'scram-sha-256';
    readonly username: string;
    readonly password: string;
  };
  /** TLS to the brokers; `ca`: PEM bundle to trust instead of the system's. */
  readonly tls?: { readonly ca?: string };
}

export interface KafkaClientOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly logger: Logger;
  /** TCP connect timeout per broker (ms). */
  readonly connectionTimeoutMs?: number;
  /** Time a broker has to answer one request (ms). */
  readonly requestTimeoutMs?: number;
  /**
   * Rewrites the address of every broker connection (bootstrap and the advertised listeners returned by
   * metadata), e.g. to go through a tunnel, or a test proxy that simulates a broker outage. Plain TCP only.
   */
  readonly connectVia?: (broker: { host: string; port: number }) => { host: string; port: number };
  readonly authentication?: KafkaAuthentication;
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
      ...(options.connectVia ? { socketFactory: viaSocketFactory(options.connectVia) } : {}),
      ...authenticationOptions(options.authentication),
    });
  }
}

function authenticationOptions(auth: KafkaAuthentication | undefined): Pick<KafkaConfig, 'sasl' | 'ssl'> {
  const options: Pick<KafkaConfig, 'sasl' | 'ssl'> = {};
  if (auth?.sasl) {
    const { mechanism, username, password } = auth.sasl;
    // kafkajs types each mechanism's options separately: a union mechanism does not narrow.
    options.sasl =
      mechanism === 'scram-sha-512'
        ? { mechanism, username, password }
        : { mechanism: 'scram-sha-256', username, password };
  }
  if (auth?.tls) options.ssl = auth.tls.ca ? { ca: [auth.tls.ca] } : true;
  return options;
}

function viaSocketFactory(
  map: (broker: { host: string; port: number }) => { host: string; port: number },
): ISocketFactory {
  return ({ host, port, onConnect }) => {
    const target = map({ host, port });
    const socket = connect({ host: target.host, port: target.port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    return socket;
  };
}
