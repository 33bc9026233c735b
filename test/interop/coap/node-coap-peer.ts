import { createSocket, type Socket } from 'node:dgram';
import {
  Agent,
  type CoapRequestParams,
  createServer,
  type IncomingMessage,
  type ObserveReadStream,
  type OutgoingMessage,
  type Server,
} from 'coap';

/**
 * node-coap (npm `coap` 1.5) as an in-process peer. One agent on one bound socket, so every request of a test
 * leaves from the same address (a Register and the Send after it, STACK.md).
 */
export class NodeCoapPeer {
  readonly socket: Socket = createSocket('udp4');
  private agent: Agent | undefined;

  async start(): Promise<number> {
    await new Promise<void>((done) => this.socket.bind(0, '127.0.0.1', () => done()));
    this.agent = new Agent({ socket: this.socket });
    return this.socket.address().port;
  }

  /** One request; resolves with the (Block2-reassembled) response, or the observe stream when `observe` is set. */
  request(params: CoapRequestParams, payload?: Buffer, timeoutMs = 30_000): Promise<IncomingMessage> {
    const agent = this.agent;
    if (!agent) throw new Error('node-coap peer not started');
    return new Promise<IncomingMessage>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`node-coap: no response within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const req = agent.request({ hostname: '127.0.0.1', ...params });
      req.on('response', (res: IncomingMessage) => {
        clearTimeout(timer);
        done(res);
      });
      req.on('error', (err: Error) => {
        clearTimeout(timer);
        fail(err);
      });
      if (payload) req.write(payload);
      req.end();
    });
  }

  async observe(params: CoapRequestParams, timeoutMs = 30_000): Promise<ObserveReadStream> {
    return (await this.request({ ...params, observe: true }, undefined, timeoutMs)) as ObserveReadStream;
  }

  async close(): Promise<void> {
    this.agent?.close();
    await new Promise<void>((done) => this.socket.close(() => done()));
  }
}

/**
 * node-coap's server: /large (a fixed body, Block2 by node-coap), /sink (PUT stores, GET returns; Block1 by
 * node-coap), /obs (observable: `notify()` writes one notification to every observer; node-coap ends an observer's
 * stream when a notification is answered with a Reset).
 */
export class NodeCoapServer {
  readonly observers = new Set<OutgoingMessage>();
  /** Observer streams node-coap ended (after a Reset). */
  ended = 0;
  private readonly server: Server;
  private sink: Buffer = Buffer.alloc(0);
  private count = 0;

  constructor(private readonly large: Buffer) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  start(port: number): Promise<void> {
    return new Promise((done, fail) =>
      this.server.listen(port, '127.0.0.1', (err) => (err ? fail(err) : done())),
    );
  }

  notify(): string {
    const text = `count ${++this.count}`;
    for (const res of this.observers) res.write(text);
    return text;
  }

  close(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }

  private handle(req: IncomingMessage, res: OutgoingMessage): void {
    // STACK.md: empty messages (pings, Resets) reach the handler with no method; they are not requests.
    if (req.method === undefined) return;
    const path = req.url.split('?')[0];
    if (path === '/large') {
      res.setOption('Content-Format', 'application/octet-stream');
      res.end(this.large);
    } else if (path === '/sink' && req.method === 'PUT') {
      this.sink = req.payload;
      res.code = '2.04';
      res.end();
    } else if (path === '/sink') {
      res.end(this.sink);
    } else if (path === '/obs' && req.headers.Observe === 0) {
      this.observers.add(res);
      res.on('finish', () => {
        this.observers.delete(res);
        this.ended++;
      });
      res.write(`count ${this.count}`);
    } else if (path === '/obs') {
      res.end(`count ${this.count}`);
    } else {
      res.code = '4.04';
      res.end();
    }
  }
}
