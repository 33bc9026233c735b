import { type TxClient } from '../transaction';

/**
 * One event to publish once the transaction that wrote it commits (table event_outbox, migration 1764300000001):
 * a Kafka message, a Redis live update, or both.
 */
export interface OutboxEntry {
  readonly tenant: string;
  /** Kafka topic; null for an event that is only a live update. */
  readonly topic: string | null;
  readonly key: string;
  /** JSON value of the Kafka message (and of the live update unless livePayload is given). */
  readonly payload: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly liveChannel?: string | null;
  readonly livePayload?: unknown;
}

/** An entry as stored, with its id (ascending in write order). */
export interface OutboxRecord {
  readonly id: string;
  readonly tenant: string;
  readonly topic: string | null;
  readonly key: string;
  readonly payload: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly liveChannel: string | null;
  /** The live update's message: livePayload, else payload. */
  readonly livePayload: unknown;
}

/**
 * The outbox source of partner events (`city.<tenant>.events.v1`): the decoder's relay publishes them (it creates
 * the tenants' partner topics). Apps without a Kafka producer of their own (the bootstrap server) write their
 * partner events under it.
 */
export const PARTNER_EVENTS_OUTBOX_SOURCE = 'decoder';

/**
 * Writes events into the outbox inside the caller's transaction (under its tenant, row-level security), so they
 * exist if and only if the rows they report do. `source` names the relay that publishes them.
 */
export async function writeOutbox(
  tx: TxClient,
  source: string,
  entries: readonly OutboxEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(
    `INSERT INTO event_outbox (tenant_id, source, topic, key, payload, headers, live_channel, live_payload)
     SELECT x.tenant, $1, x.topic, x.key, x.payload, x.headers, x.live_channel, x.live_payload
     FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::text[], $8::jsonb[])
       WITH ORDINALITY AS x(tenant, topic, key, payload, headers, live_channel, live_payload, n)
     ORDER BY x.n`,
    [
      source,
      entries.map((e) => e.tenant),
      entries.map((e) => e.topic),
      entries.map((e) => e.key),
      entries.map((e) => JSON.stringify(e.payload)),
      entries.map((e) => JSON.stringify(e.headers ?? {})),
      entries.map((e) => e.liveChannel ?? null),
      entries.map((e) => (e.livePayload === undefined ? null : JSON.stringify(e.livePayload))),
    ],
  );
}

interface OutboxRow {
  id: string;
  tenant_id: string;
  topic: string | null;
  key: string;
  payload: unknown;
  headers: Record<string, string>;
  live_channel: string | null;
  live_payload: unknown;
}

export function toOutboxRecord(r: OutboxRow): OutboxRecord {
  return {
    id: String(r.id),
    tenant: r.tenant_id,
    topic: r.topic,
    key: r.key,
    payload: r.payload,
    headers: r.headers ?? {},
    liveChannel: r.live_channel,
    livePayload: r.live_payload ?? r.payload,
  };
}

export type { OutboxRow };
