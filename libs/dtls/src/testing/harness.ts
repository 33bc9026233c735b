import { FakeClock, flushMicrotasks, type Peer } from '@smartcity/coap';
import { type DropReason } from '../connection/types';
import { type DtlsMetrics } from '../transport/metrics';
import { DtlsClientTransport } from '../transport/dtls-client-transport';
import { type DtlsClientOptions } from '../transport/client-options';
import { DtlsServerTransport } from '../transport/dtls-server-transport';
import { type DtlsServerOptions } from '../transport/server-options';
import { MemoryNetwork, seededRandomBytes, type MemoryEndpoint } from './memory-network';

export const SERVER = { address: '10.0.0.1', port: 5684 };
export const PSK_IDENTITY = 'device-1';
export const PSK_KEY = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

/** Counts metric hook calls, for assertions. */
export class MetricsRecorder implements DtlsMetrics {
  readonly drops: DropReason[] = [];
  readonly completed: Array<{ suite: string; resumed: boolean }> = [];
  readonly failed: Array<{ alert: string; byPeer: boolean }> = [];
  helloVerify = 0;
  sessionsNow = 0;

  handshakeCompleted(i: { suite: string; resumed: boolean }): void {
    this.completed.push({ suite: i.suite, resumed: i.resumed });
  }
  handshakeFailed(i: { alert: string; byPeer: boolean }): void {
    this.failed.push({ alert: i.alert, byPeer: i.byPeer });
  }
  sessions(n: number): void {
    this.sessionsNow = n;
  }
  recordDropped(reason: DropReason): void {
    this.drops.push(reason);
  }
  helloVerifyRequestSent(): void {
    this.helloVerify++;
  }
  dropped(reason: DropReason): number {
    return this.drops.filter((r) => r === reason).length;
  }
}

export interface Received {
  readonly data: Buffer;
  readonly peer: Peer;
}

/** A server on a MemoryNetwork driven by a FakeClock, and helpers to add clients and run time. */
export class DtlsTestWorld {
  // Real time as the start: the X.509 fixtures are valid from when they were generated.
  readonly clock = new FakeClock(Date.now());
  readonly net: MemoryNetwork;
  readonly serverMetrics = new MetricsRecorder();
  readonly serverReceived: Received[] = [];
  readonly serverEndpoint: MemoryEndpoint;
  server!: DtlsServerTransport;
  private clientPort = 40000;

  constructor(latencyMs = 1) {
    this.net = new MemoryNetwork(this.clock, latencyMs);
    this.serverEndpoint = this.net.endpoint(SERVER.address, SERVER.port);
  }

  async startServer(options: Omit<DtlsServerOptions, 'transport' | 'clock'>): Promise<DtlsServerTransport> {
    this.server = new DtlsServerTransport({
      randomBytes: seededRandomBytes(1),
      metrics: this.serverMetrics,
      ...options,
      transport: this.serverEndpoint,
      clock: this.clock,
    });
    await this.server.start((data, peer) => this.serverReceived.push({ data: Buffer.from(data), peer }));
    return this.server;
  }

  async client(
    options: Omit<DtlsClientOptions, 'transport' | 'clock'>,
    address = '10.0.0.2',
  ): Promise<{
    client: DtlsClientTransport;
    endpoint: MemoryEndpoint;
    received: Received[];
    metrics: MetricsRecorder;
  }> {
    const endpoint = this.net.endpoint(address, this.clientPort++);
    const metrics = new MetricsRecorder();
    const client = new DtlsClientTransport({
      randomBytes: seededRandomBytes(this.clientPort),
      metrics,
      ...options,
      transport: endpoint,
      clock: this.clock,
    });
    const received: Received[] = [];
    await client.start((data, peer) => received.push({ data: Buffer.from(data), peer }));
    return { client, endpoint, received, metrics };
  }

  /** Advances fake time in small steps, letting promise callbacks (credential lookups) run in between. */
  async run(ms: number, stepMs = 1): Promise<void> {
    await this.clock.advanceAsync(ms, stepMs);
    await flushMicrotasks();
  }

  /** Runs until `done()` or `maxMs` of fake time. */
  async until(done: () => boolean, maxMs = 10_000, stepMs = 1): Promise<boolean> {
    for (let t = 0; t < maxMs && !done(); t += stepMs) {
      this.clock.advance(stepMs);
      await flushMicrotasks();
    }
    return done();
  }
}

/** A PSK resolver over a fixed table. */
export function pskTable(entries: Record<string, Buffer>): (identity: string) => Promise<Buffer | undefined> {
  return async (identity) => entries[identity];
}
