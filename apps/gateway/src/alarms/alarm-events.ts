import {
  type AlarmEvent,
  cityEventsTopic,
  liveChannel,
  partnerEventHeaders,
} from '@smartcity/platform-contracts';
import { type OutboxEntry, PARTNER_EVENTS_OUTBOX_SOURCE } from '@smartcity/platform-db';
import { type AlarmRow } from './alarm.rows';

/**
 * The outbox source of alarm events the gateway writes (a hand clear, a deleted water area): the partner events'
 * source, so the decoder's relay publishes them with its own, on `city.<tenant>.events.v1` and `tenant:<t>:alarms`.
 */
export const ALARM_EVENTS_OUTBOX_SOURCE = PARTNER_EVENTS_OUTBOX_SOURCE;

/**
 * The partner event of an alarm transition, as the decoder writes it (apps/decoder/src/publish/partner-messages.ts
 * `alarmEvent`): the id is derived from the alarm and its transition, so partners dedupe a republished event.
 */
export function alarmEvent(row: AlarmRow): AlarmEvent {
  const cleared = row.status === 'CLEARED';
  return {
    id: `${row.id}:${cleared ? 'cleared' : 'raised'}`,
    type: cleared ? 'alarm.cleared' : 'alarm.raised',
    tenant: row.tenantId,
    deviceId: row.deviceId,
    time: (cleared && row.clearedAt ? row.clearedAt : row.raisedAt).toISOString(),
    alarm: {
      id: row.id,
      type: row.type,
      severity: row.severity,
      status: row.status,
      message: row.message,
      path: row.sourcePath,
      raisedAt: row.raisedAt.toISOString(),
      clearedAt: row.clearedAt ? row.clearedAt.toISOString() : null,
      details: row.details ?? {},
    },
  };
}

/** An alarm event as an outbox entry: the partner topic (key: device id) and the tenant's live alarm channel. */
export function alarmEventEntry(row: AlarmRow): OutboxEntry {
  const event = alarmEvent(row);
  return {
    tenant: row.tenantId,
    topic: cityEventsTopic(row.tenantId),
    key: row.deviceId,
    payload: event,
    headers: partnerEventHeaders(event.type),
    liveChannel: liveChannel(row.tenantId, 'alarms'),
  };
}
