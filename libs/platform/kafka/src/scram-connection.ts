import { connect, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

/**
 * A minimal Kafka connection for the requests kafkajs 2.2.4 cannot send (flexible versions, KIP-482: kafkajs
 * only writes request header v1). One request at a time: write a size-prefixed frame, read one size-prefixed
 * response (Kafka protocol guide, "Common Request and Response Structure"). TCP, or TLS when asked (the system's
 * trust store, or `ca`); SASL runs on top of it (scram-credentials.ts).
 */
export class KafkaWireConnection {
  private buffered = Buffer.alloc(0);
  private waiting: { resolve: (frame: Buffer) => void; reject: (err: Error) => void } | null = null;
  private failure: Error | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly requestTimeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.deliver();
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed by the broker')));
  }

  static open(
    target: { host: string; port: number },
    options: { connectTimeoutMs: number; requestTimeoutMs: number; tls?: { readonly ca?: string } },
  ): Promise<KafkaWireConnection> {
    return new Promise((resolve, reject) => {
      const socket = options.tls
        ? connectTls({
            host: target.host,
            port: target.port,
            // SNI only for names (RFC 6066 §3); the certificate is checked against the host either way.
            ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
            ...(options.tls.ca ? { ca: options.tls.ca } : {}),
          })
        : connect({ host: target.host, port: target.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new Error(
            `connect to ${target.host}:${target.port} timed out after ${options.connectTimeoutMs} ms`,
          ),
        );
      }, options.connectTimeoutMs);
      socket.once(options.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.removeListener('error', onError);
        resolve(new KafkaWireConnection(socket, options.requestTimeoutMs));
      });
      const onError = (err: Error): void => {
        clearTimeout(timer);
        reject(err);
      };
      socket.once('error', onError);
    });
  }

  /** Sends one framed request and resolves with the response frame without its INT32 size. */
  request(frame: Buffer): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiting) return Promise.reject(new Error('one request at a time on a KafkaWireConnection'));
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new Error(`no response within ${this.requestTimeoutMs} ms`));
        this.socket.destroy();
      }, this.requestTimeoutMs);
      this.waiting = {
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.socket.write(frame);
    });
  }

  close(): void {
    this.failure ??= new Error('connection closed');
    this.socket.destroy();
  }

  private deliver(): void {
    if (this.buffered.length < 4) return;
    const size = this.buffered.readInt32BE(0);
    // Responses to our two requests are small; a huge size means we are not talking to a Kafka broker.
    if (size < 4 || size > 16 * 1024 * 1024) {
      this.fail(new Error(`implausible response size ${size}`));
      this.socket.destroy();
      return;
    }
    if (this.buffered.length < 4 + size) return;
    const frame = this.buffered.subarray(4, 4 + size);
    this.buffered = this.buffered.subarray(4 + size);
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve(Buffer.from(frame));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(err);
  }
}
