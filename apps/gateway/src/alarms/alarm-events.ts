import {
  alarmEvent,
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

/** The partner event of the row's transition (one builder with the decoder's, in platform-contracts). */
export function alarmEventOf(row: AlarmRow): AlarmEvent {
  return alarmEvent({
    id: row.id,
    tenant: row.tenantId,
    deviceId: row.deviceId,
    type: row.type,
    severity: row.severity,
    status: row.status,
    message: row.message,
    path: row.sourcePath,
    raisedAt: row.raisedAt,
    clearedAt: row.clearedAt,
    details: row.details,
  });
}

/** An alarm event as an outbox entry: the partner topic (key: device id) and the tenant's live alarm channel. */
export function alarmEventEntry(row: AlarmRow): OutboxEntry {
  const event = alarmEventOf(row);
  return {
    tenant: row.tenantId,
    topic: cityEventsTopic(row.tenantId),
    key: row.deviceId,
    payload: event,
    headers: partnerEventHeaders(event.type),
    liveChannel: liveChannel(row.tenantId, 'alarms'),
  };
}
