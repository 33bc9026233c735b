import { createHash } from 'node:crypto';
import { type Redis } from 'ioredis';

/**
 * Runs Lua scripts by EVALSHA, falling back to EVAL when the server does not know the script yet (a new or
 * restarted Redis): the script body crosses the network once per server, not on every call.
 */
export class RedisScripts {
  private readonly shas = new Map<string, string>();

  constructor(private readonly redis: Redis) {}

  async run(script: string, args: string[]): Promise<unknown> {
    let sha = this.shas.get(script);
    if (!sha) {
      sha = createHash('sha1').update(script).digest('hex');
      this.shas.set(script, sha);
    }
    try {
      return await this.redis.evalsha(sha, 0, ...args);
    } catch (err) {
      if (!(err as Error).message.includes('NOSCRIPT')) throw err;
      return this.redis.eval(script, 0, ...args);
    }
  }
}
