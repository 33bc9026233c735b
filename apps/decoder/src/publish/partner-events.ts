import { cityEventsTopic, SCHEMA_VERSION_HEADER } from '@smartcity/platform-contracts';
import { type OutboxEntry } from '@smartcity/platform-db';
import { liveChannels } from './live-publisher';
import { PARTNER_SCHEMA_VERSION, type PartnerEvent } from './partner-messages';

/** The decoder's outbox source (event_outbox.source): its OutboxRelay publishes these events. */
export const DECODER_OUTBOX_SOURCE = 'decoder';

export function eventHeaders(type: string): Record<string, string> {
  return {
    [SCHEMA_VERSION_HEADER]: String(PARTNER_SCHEMA_VERSION),
    'content-type': 'application/json',
    'message-type': type,
  };
}

/**
 * A partner event as an outbox entry, written in the transaction of the rows it reports: `city.<tenant>.events.v1`
 * (key: device id, so one device's events stay ordered) and the tenant's live channel of its kind.
 */
export function eventEntry(e: PartnerEvent): OutboxEntry {
  return {
    tenant: e.tenant,
    topic: cityEventsTopic(e.tenant),
    key: e.deviceId,
    payload: e,
    headers: eventHeaders(e.type),
    liveChannel: e.type.startsWith('alarm.') ? liveChannels.alarms(e.tenant) : liveChannels.devices(e.tenant),
  };
}
