import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type Logger } from '@smartcity/platform-observability';
import { type Redis } from '@smartcity/platform-redis';
import { Counter, Gauge, type Registry } from 'prom-client';
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

/** How one subscription ends besides the client unsubscribing. */
export interface SubscribeOptions {
  /** Messages a subscription may have waiting (mapped or still being mapped) before its consumer is dropped. */
  readonly capacity: number;
  /** Runs once when the subscription ends, however it ends. */
  readonly onEnd?: () => void;
  /** The consumer fell `capacity` messages behind (it stopped reading): drop it (close its connection). */
  readonly onSlowConsumer?: () => void;
}

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
  private readonly slowConsumers: Counter;

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
    this.slowConsumers = new Counter({
      name: 'gateway_live_slow_consumers_dropped_total',
      help: 'Subscriptions ended because their consumer fell a whole buffer behind (its connection is closed)',
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
    options: SubscribeOptions,
  ): Promise<AsyncIterableIterator<T>> {
    const channel = liveChannel(tenant, kind);
    const slow = () => {
      this.slowConsumers.inc();
      this.logger.warn({ channel }, 'slow consumer dropped');
      options.onSlowConsumer?.();
    };
    const queue: AsyncQueue<T> = new AsyncQueue<T>(
      options.capacity,
      () => {
        this.remove(channel, listener);
        options.onEnd?.();
      },
      slow,
    );
    // Messages are handled in arrival order even when `map` is async; those still being mapped count against the
    // same bound as the mapped ones waiting in the queue.
    let chain: Promise<void> = Promise.resolve();
    let mapping = 0;
    const listener: Listener & { queue: AsyncQueue<T> } = {
      queue,
      deliver: (message) => {
        if (mapping + queue.size >= options.capacity) {
          queue.close();
          slow();
          return;
        }
        mapping++;
        chain = chain
          .then(async () => {
            const out = await map(message as MessageOf<K>);
            if (out !== undefined) queue.push(out);
          })
          .catch((err: unknown) => this.logger.warn({ err, channel }, 'live message dropped'))
          .finally(() => mapping--);
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
