import { type DeviceAccount } from './server-account';

export type BootstrapResult = 'bootstrapped' | 'retry' | 'failed';

export interface BootstrapFleetOptions {
  readonly endpoints: readonly string[];
  /**
   * Bootstrap sequences in flight at once: a city's batch of new devices must not storm the bootstrap server
   * (each sequence is a DTLS handshake, a database transaction and six exchanges, LwM2M Core 1.1.1 §6.1.3).
   */
  readonly concurrency: number;
  /** Attempts per device; a device that fails them all is left out of the fleet. */
  readonly attempts: number;
  /** One client-initiated bootstrap of one device (§6.1.3), resolving with the account it was written. */
  readonly bootstrap: (endpoint: string) => Promise<DeviceAccount>;
  /** Wait before the retry after failed attempt `attempt` (1-based). Default: 1 s doubling, at most 30 s. */
  readonly backoffMs?: (attempt: number) => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Each attempt's outcome (metrics, logs): the error's message, never a key (bootstrapClient names none). */
  readonly onAttempt?: (endpoint: string, result: BootstrapResult, attempt: number, error?: unknown) => void;
  /** Stops starting attempts (shutdown while the fleet still bootstraps). */
  readonly signal?: AbortSignal;
}

export interface BootstrapFleetResult {
  readonly accounts: ReadonlyMap<string, DeviceAccount>;
  readonly failed: readonly string[];
}

const defaultBackoff = (attempt: number) => Math.min(30_000, 1000 * 2 ** (attempt - 1));
const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/**
 * Bootstraps every device of a fleet before it registers (§6.1.3: a device without an LwM2M server account asks
 * its Bootstrap-Server first), `concurrency` at a time, each retried after a failure as a device would (§6.1.3:
 * "the LwM2M Client ... retry", the bootstrap server's 5.03 + Max-Age included) up to `attempts` times.
 */
export async function bootstrapFleet(options: BootstrapFleetOptions): Promise<BootstrapFleetResult> {
  const backoff = options.backoffMs ?? defaultBackoff;
  const sleep = options.sleep ?? defaultSleep;
  const accounts = new Map<string, DeviceAccount>();
  const failed: string[] = [];
  const queue = [...options.endpoints];
  const one = async (endpoint: string) => {
    for (let attempt = 1; attempt <= options.attempts && !options.signal?.aborted; attempt++) {
      try {
        accounts.set(endpoint, await options.bootstrap(endpoint));
        options.onAttempt?.(endpoint, 'bootstrapped', attempt);
        return;
      } catch (error) {
        const last = attempt === options.attempts;
        options.onAttempt?.(endpoint, last ? 'failed' : 'retry', attempt, error);
        if (!last) await sleep(backoff(attempt));
      }
    }
    failed.push(endpoint);
  };
  const worker = async () => {
    while (queue.length > 0 && !options.signal?.aborted) await one(queue.shift()!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, queue.length)) }, worker));
  // Devices never tried because of an abort count as failed too: none of them has an account.
  failed.push(...queue);
  return { accounts, failed };
}
