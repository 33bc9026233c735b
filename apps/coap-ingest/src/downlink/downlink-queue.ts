import { type DownlinkRequest, downlinkRequest } from '@smartcity/platform-contracts';
import { type Redis, RedisScripts } from '@smartcity/platform-redis';
import { ENQUEUE, REQUEUE_HEAD, TAKE_EXPIRED, TAKE_NEXT } from './downlink-queue.scripts';
import { traceCarrierOf, type TracedDownlinkRequest } from './downlink-trace';

/**
 * Requests, and the guard that keeps a command id from being queued twice, outlive the deadline in Redis by this
 * much (the sweeper normally removes queued requests first; the guard stays until then).
 */
const RETENTION_AFTER_DEADLINE_S = 3600;

/**
 * The shared queue of device requests per endpoint (see downlink-queue.scripts.ts). Whatever instance consumes a
 * request from Kafka queues it here; the instance that owns the endpoint takes requests one at a time, in order.
 * A request whose owner is gone waits here until an instance hears the device again, or until its deadline.
 */
export class DownlinkQueue {
  private readonly scripts: RedisScripts;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.scripts = new RedisScripts(redis);
  }

  /** The pub/sub channel that tells an owner to drain an endpoint's queue: message `<owner> <endpoint>`. */
  get drainChannel(): string {
    return `${this.prefix}dl:drain`;
  }

  async enqueue(request: TracedDownlinkRequest): Promise<boolean> {
    return (await this.scripts.run(ENQUEUE, this.args(request))) === 1;
  }

  async requeueHead(request: TracedDownlinkRequest): Promise<void> {
    await this.scripts.run(REQUEUE_HEAD, this.args(request));
  }

  async takeNext(endpoint: string): Promise<TracedDownlinkRequest | undefined> {
    const json = await this.scripts.run(TAKE_NEXT, [this.prefix, endpoint]);
    return typeof json === 'string' ? parse(json) : undefined;
  }

  async takeExpired(now: number, limit: number): Promise<TracedDownlinkRequest[]> {
    const rows = (await this.scripts.run(TAKE_EXPIRED, [
      this.prefix,
      String(now),
      String(limit),
    ])) as string[];
    return rows.map(parse);
  }

  /** Endpoints that have queued requests. */
  pendingEndpoints(): Promise<string[]> {
    return this.redis.smembers(`${this.prefix}dl:pending`);
  }

  async requestDrain(owner: string, endpoint: string): Promise<void> {
    await this.redis.publish(this.drainChannel, `${owner} ${endpoint}`);
  }

  private args(r: TracedDownlinkRequest): string[] {
    const ttl = Math.max(1, Math.ceil((r.deadline - Date.now()) / 1000) + RETENTION_AFTER_DEADLINE_S);
    return [this.prefix, r.id, r.endpoint, JSON.stringify(r), String(r.deadline), String(ttl)];
  }
}

/**
 * Records were validated when consumed; parsing again keeps a hand-edited Redis value from reaching a device. The
 * trace context queued with the request (tracing on) comes back beside it.
 */
function parse(json: string): TracedDownlinkRequest {
  const raw = JSON.parse(json) as { trace?: unknown };
  const request: DownlinkRequest = downlinkRequest.parse(raw);
  const trace = traceCarrierOf(raw.trace);
  return trace ? { ...request, trace } : request;
}
