import { cityEventsTopic, partnerEventHeaders } from '@smartcity/platform-contracts';
import { type OutboxEntry, PARTNER_EVENTS_OUTBOX_SOURCE } from '@smartcity/platform-db';
import { liveChannels } from './live-publisher';
import { type PartnerEvent } from './partner-messages';

/** The decoder's outbox source (event_outbox.source): its OutboxRelay publishes these events, and the bootstrap's. */
export const DECODER_OUTBOX_SOURCE = PARTNER_EVENTS_OUTBOX_SOURCE;

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
    headers: partnerEventHeaders(e.type),
    liveChannel: e.type.startsWith('alarm.') ? liveChannels.alarms(e.tenant) : liveChannels.devices(e.tenant),
  };
}
