import WebSocket from 'ws';

/** A bare graphql-transport-ws client: the test decides every frame, and sees close codes as they are. */
export class RawWsClient {
  readonly frames: { type: string; id?: string; payload?: unknown }[] = [];
  closeCode: number | undefined;
  closeReason = '';
  private readonly ws: WebSocket;
  private readonly opened: Promise<void>;

  constructor(url: string) {
    this.ws = new WebSocket(url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('message', (data: Buffer) => this.frames.push(JSON.parse(data.toString('utf8'))));
    this.ws.on('close', (code: number, reason: Buffer) => {
      this.closeCode = code;
      this.closeReason = reason.toString('utf8');
    });
  }

  async send(frame: Record<string, unknown>): Promise<void> {
    await this.opened;
    this.ws.send(JSON.stringify(frame));
  }

  async init(payload: Record<string, unknown>): Promise<void> {
    await this.send({ type: 'connection_init', payload });
    await this.waitFor((f) => f.type === 'connection_ack' || f.type === 'connection_error', 10_000);
  }

  subscribe(id: string, query: string, variables: Record<string, unknown> = {}): Promise<void> {
    return this.send({ id, type: 'subscribe', payload: { query, variables } });
  }

  async waitFor(
    match: (frame: RawWsClient['frames'][number]) => boolean,
    timeoutMs: number,
  ): Promise<RawWsClient['frames'][number]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.frames.find(match);
      if (hit) return hit;
      if (this.closeCode !== undefined) throw new Error(`closed ${this.closeCode} ${this.closeReason}`);
      if (Date.now() > deadline) throw new Error(`no matching frame within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Resolves with the close code once the server closed the connection. */
  async closed(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === undefined) {
      if (Date.now() > deadline) throw new Error(`still open after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.closeCode;
  }

  /** Stops reading from the TCP socket: the server's writes back up (a slow consumer). */
  pauseReading(): void {
    (this.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  resumeReading(): void {
    (this.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  }

  close(): void {
    this.ws.terminate();
  }
}
