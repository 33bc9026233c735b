import { type Redis } from 'ioredis';
import { invalidateDeviceDirectory } from './device-directory-cache';

/**
 * Device changes the ingest must act on at once (issue 14 "The authenticated identity decides": decommissioning
 * drops the live registration and refuses its next request; a new or removed credential is not served from cache).
 *
 * Channel `sc:device-changes:v1`, Redis pub/sub, one JSON message per device:
 *
 *   {"tenant":"lyon","endpoint":"lyon-sl-0046","change":"decommissioned"}
 *   {"tenant":"lyon","endpoint":"lyon-sl-0046","change":"credential-changed"}
 *   {"tenant":"lyon","endpoint":"lyon-sl-0046","change":"credential-changed","keepPskIdentity":"lwm2m-9f3c..."}
 *
 * - `decommissioned`: the device was decommissioned (GraphQL `decommissionDevice`) or deleted (CLI `provision
 *   --remove`). The ingest drops its live registration and DTLS session, and refuses it from now on.
 * - `credential-changed`: the device got a credential, a new one (rotation, another mode), or lost it (NoSec now);
 *   also sent for a tenant's NoSec devices when the tenant stops allowing NoSec. The ingest forgets what it cached
 *   about the device's credential and drops the live registration and session made with the old one, so the
 *   device must handshake and register again with its current credential. `keepPskIdentity` (a re-bootstrap's
 *   staged PSK was promoted because the device registered with it, issue 18): a registration whose session was
 *   authenticated with this identity is the new one and is kept; any other (the old credential's) is dropped.
 *
 * Publishers (gateway, CLI) send it after the change committed, and delete the endpoint's device-directory cache
 * entry first, so an ingest that re-resolves on the message reads the database. Pub/sub is at most once: a
 * subscriber that was disconnected misses messages, so on (re)subscribing it must forget its cached credentials and
 * resolutions as if every device had changed (ioredis re-subscribes by itself; listen for its `ready` event).
 */
export const DEVICE_CHANGES_CHANNEL = 'sc:device-changes:v1';

export type DeviceChangeKind = 'decommissioned' | 'credential-changed';

export interface DeviceChange {
  readonly tenant: string;
  readonly endpoint: string;
  readonly change: DeviceChangeKind;
  /** With credential-changed: the PSK identity that is now the device's credential (its session stays). */
  readonly keepPskIdentity?: string;
}

/** RFC 4279 §5.1 bounds a PSK identity; our credentials are at most 128 characters. */
const MAX_IDENTITY_LENGTH = 128;

const KINDS: ReadonlySet<string> = new Set<DeviceChangeKind>(['decommissioned', 'credential-changed']);

/** Invalidates the endpoint's directory cache entry, then publishes the change. Returns the receivers. */
export async function publishDeviceChange(redis: Redis, change: DeviceChange): Promise<number> {
  return publishDeviceChanges(redis, [change]);
}

/** Many changes: cache entries invalidated in batches, then one message per device (pipelined). */
export async function publishDeviceChanges(redis: Redis, changes: readonly DeviceChange[]): Promise<number> {
  let receivers = 0;
  for (let i = 0; i < changes.length; i += 500) {
    const batch = changes.slice(i, i + 500);
    await invalidateDeviceDirectory(
      redis,
      batch.map((c) => c.endpoint),
    );
    const pipeline = redis.pipeline();
    for (const c of batch) {
      pipeline.publish(
        DEVICE_CHANGES_CHANNEL,
        JSON.stringify({
          tenant: c.tenant,
          endpoint: c.endpoint,
          change: c.change,
          ...(c.keepPskIdentity === undefined ? {} : { keepPskIdentity: c.keepPskIdentity }),
        }),
      );
    }
    for (const [err, count] of (await pipeline.exec()) ?? []) {
      if (err) throw err;
      receivers += Number(count);
    }
  }
  return receivers;
}

/** A message of the channel, or null when it is not one (unknown change kinds included: ignore them). */
export function parseDeviceChange(message: string): DeviceChange | null {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  const { tenant, endpoint, change, keepPskIdentity } = value as Record<string, unknown>;
  if (typeof tenant !== 'string' || typeof endpoint !== 'string' || typeof change !== 'string') return null;
  if (!KINDS.has(change)) return null;
  const parsed = { tenant, endpoint, change: change as DeviceChangeKind };
  if (keepPskIdentity === undefined) return parsed;
  // A malformed keep field must not keep anything: read as a plain change (the session is dropped).
  if (
    typeof keepPskIdentity !== 'string' ||
    keepPskIdentity.length === 0 ||
    keepPskIdentity.length > MAX_IDENTITY_LENGTH ||
    change !== 'credential-changed'
  )
    return parsed;
  return { ...parsed, keepPskIdentity };
}

/**
 * Subscribes a dedicated connection (a subscribed connection runs no other command) to the channel. `onChange` gets
 * every well-formed message; the returned function unsubscribes.
 */
export async function subscribeDeviceChanges(
  subscriber: Redis,
  onChange: (change: DeviceChange) => void,
): Promise<() => Promise<void>> {
  const listener = (channel: string, message: string) => {
    if (channel !== DEVICE_CHANGES_CHANNEL) return;
    const change = parseDeviceChange(message);
    if (change) onChange(change);
  };
  subscriber.on('message', listener);
  await subscriber.subscribe(DEVICE_CHANGES_CHANNEL);
  return async () => {
    subscriber.removeListener('message', listener);
    await subscriber.unsubscribe(DEVICE_CHANGES_CHANNEL);
  };
}

/**
 * A tenant's X.509 CAs changed (added or removed): channel `sc:certificate-authority-changes:v1`, message
 * `{"tenant":"lyon"}`. The ingest's DTLS trust anchors come from every tenant's CAs; on this message it reloads them
 * (a removed CA must stop admitting devices, an added one start). At most once, like the device channel: reload on
 * (re)subscribing too.
 */
export const CERTIFICATE_AUTHORITY_CHANGES_CHANNEL = 'sc:certificate-authority-changes:v1';

export async function publishCertificateAuthorityChange(redis: Redis, tenant: string): Promise<number> {
  return redis.publish(CERTIFICATE_AUTHORITY_CHANGES_CHANNEL, JSON.stringify({ tenant }));
}
