import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { type Logger } from '@smartcity/platform-observability';
import { type Redis } from '@smartcity/platform-redis';
import { GATEWAY_LOGGER, REDIS_SUBSCRIBER } from '../gateway.tokens';
import { AsyncQueue } from '../live/async-queue';
import { commandsChannel } from './command.mapping';
import { type CommandRow } from './commands.repository';

const QUEUE_CAPACITY = 1000;

/**
 * Fans `tenant:<slug>:commands` (written by whichever replica stored an outcome) out to the GraphQL subscriptions
 * of this replica. A tenant's channel is subscribed while one of its clients listens.
 */
@Injectable()
export class CommandEventsHub implements OnModuleInit {
  private readonly listeners = new Map<string, Set<(row: CommandRow) => void>>();
  private readonly logger: Logger;

  constructor(
    @Inject(REDIS_SUBSCRIBER) private readonly redis: Redis,
    @Inject(GATEWAY_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'CommandEventsHub' });
  }

  onModuleInit(): void {
    this.redis.on('message', (channel: string, raw: string) => {
      const set = this.listeners.get(channel);
      if (!set) return;
      let row: CommandRow;
      try {
        row = JSON.parse(raw) as CommandRow;
      } catch {
        this.logger.warn({ channel }, 'malformed command event dropped');
        return;
      }
      for (const l of set) l(row);
    });
  }

  async subscribe<T>(
    tenant: string,
    map: (row: CommandRow) => T | undefined,
  ): Promise<AsyncIterableIterator<T>> {
    const channel = commandsChannel(tenant);
    const listener = (row: CommandRow) => {
      if (row.tenantId !== tenant) return;
      const out = map(row);
      if (out !== undefined) queue.push(out);
    };
    const queue = new AsyncQueue<T>(QUEUE_CAPACITY, () => {
      const set = this.listeners.get(channel);
      if (!set?.delete(listener) || set.size > 0) return;
      this.listeners.delete(channel);
      this.redis
        .unsubscribe(channel)
        .catch((err: unknown) => this.logger.warn({ err, channel }, 'unsubscribe failed'));
    });
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.redis.subscribe(channel);
    }
    set.add(listener);
    return queue;
  }
}
