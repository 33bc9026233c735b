import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface Received<T> {
  readonly data: T | null;
  readonly at: number;
}

/** A graphql-ws (graphql-transport-ws protocol) subscription that records what it receives. */
export class TestSubscriber<T = Record<string, unknown>> {
  readonly messages: Received<T>[] = [];
  errors: unknown[] = [];
  private readonly client: Client;
  private unsubscribe: (() => void) | undefined;
  private completed = false;

  constructor(url: string, connectionParams: Record<string, string>) {
    this.client = createClient({
      url: url.replace(/^http/, 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: true,
    });
  }

  start(query: string, variables: Record<string, unknown> = {}): this {
    this.unsubscribe = this.client.subscribe<T>(
      { query, variables },
      {
        next: (value) => this.messages.push({ data: (value.data ?? null) as T | null, at: Date.now() }),
        error: (err) => this.errors.push(err),
        complete: () => (this.completed = true),
      },
    );
    return this;
  }

  get done(): boolean {
    return this.completed || this.errors.length > 0;
  }

  /** Resolves with the first message matching `predicate`, or rejects after `timeoutMs`. */
  async waitFor(predicate: (data: T | null) => boolean, timeoutMs: number): Promise<Received<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.messages.find((m) => predicate(m.data));
      if (hit) return hit;
      if (this.errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(this.errors)}`);
      if (Date.now() > deadline) throw new Error(`no matching message within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async waitForError(timeoutMs: number): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.errors;
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.client.dispose();
  }
}
