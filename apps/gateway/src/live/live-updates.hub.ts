import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type Logger } from '@smartcity/platform-observability';
import { type Redis } from '@smartcity/platform-redis';
import { Gauge, type Registry } from 'prom-client';
import { GATEWAY_LOGGER, METRICS_REGISTRY, REDIS_SUBSCRIBER } from '../gateway.tokens';
import { AsyncQueue } from './async-queue';
import {
  type LiveAlarmMessage,
  liveChannel,
  type LiveKind,
  type LiveStateMessage,
  parseAlarmMessage,
  parseStateMessage,
} from './live-messages';

type MessageOf<K extends LiveKind> = K extends 'state' ? LiveStateMessage : LiveAlarmMessage;

interface Listener {
  deliver(message: LiveStateMessage | LiveAlarmMessage): void;
}

const QUEUE_CAPACITY = 1000;

/**
 * Fans the decoder's Redis pub/sub messages out to GraphQL subscriptions. One Redis connection in subscriber mode;
 * a tenant's channel is SUBSCRIBEd while at least one local subscriber of that tenant exists, so a gateway only
 * receives the traffic of the tenants its clients watch, and a subscriber only ever gets its own tenant's channel.
 */
@Injectable()
export class LiveUpdatesHub implements OnModuleInit, OnModuleDestroy {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly logger: Logger;
  private readonly gauge: Gauge;

  constructor(
    @Inject(REDIS_SUBSCRIBER) private readonly redis: Redis,
    @Inject(GATEWAY_LOGGER) logger: Logger,
    @Inject(METRICS_REGISTRY) metrics: Registry,
  ) {
    this.logger = logger.child({ context: 'LiveUpdatesHub' });
    this.gauge = new Gauge({
      name: 'gateway_live_subscriptions',
      help: 'Active GraphQL subscriptions fed by Redis',
      registers: [metrics],
    });
  }

  onModuleInit(): void {
    this.redis.on('message', (channel: string, raw: string) => this.dispatch(channel, raw));
  }

  onModuleDestroy(): void {
    for (const set of this.listeners.values()) {
      for (const l of set) (l as unknown as { queue?: AsyncQueue<unknown> }).queue?.close();
    }
  }

  /**
   * Subscribes to one tenant's live channel. `map` filters and shapes each message (returning undefined drops it;
   * it may be async, e.g. to look up a device's category); the iterator ends when the client unsubscribes.
   */
  async subscribe<K extends LiveKind, T>(
    tenant: string,
    kind: K,
    map: (message: MessageOf<K>) => T | undefined | Promise<T | undefined>,
  ): Promise<AsyncIterableIterator<T>> {
    const channel = liveChannel(tenant, kind);
    const queue: AsyncQueue<T> = new AsyncQueue<T>(QUEUE_CAPACITY, () => this.remove(channel, listener));
    // Messages are handled in arrival order even when `map` is async.
    let chain: Promise<void> = Promise.resolve();
    const listener: Listener & { queue: AsyncQueue<T> } = {
      queue,
      deliver: (message) => {
        chain = chain
          .then(async () => {
            const out = await map(message as MessageOf<K>);
            if (out !== undefined) queue.push(out);
          })
          .catch((err: unknown) => this.logger.warn({ err, channel }, 'live message dropped'));
      },
    };
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      try {
        await this.redis.subscribe(channel);
      } catch (err) {
        if (set.size === 0) this.listeners.delete(channel);
        throw err;
      }
    }
    set.add(listener);
    this.gauge.inc();
    return queue;
  }

  private remove(channel: string, listener: Listener): void {
    const set = this.listeners.get(channel);
    if (!set?.delete(listener)) return;
    this.gauge.dec();
    if (set.size === 0) {
      this.listeners.delete(channel);
      this.redis
        .unsubscribe(channel)
        .catch((err: unknown) => this.logger.warn({ err, channel }, 'unsubscribe failed'));
    }
  }

  private dispatch(channel: string, raw: string): void {
    const set = this.listeners.get(channel);
    if (!set || set.size === 0) return;
    const match = /^tenant:([a-z0-9-]{2,32}):(state|alarms)$/.exec(channel);
    if (!match) return;
    const tenant = match[1] as string;
    const message = match[2] === 'state' ? parseStateMessage(raw, tenant) : parseAlarmMessage(raw, tenant);
    if (!message) {
      this.logger.warn({ channel }, 'malformed live message dropped');
      return;
    }
    for (const listener of set) listener.deliver(message);
  }
}
