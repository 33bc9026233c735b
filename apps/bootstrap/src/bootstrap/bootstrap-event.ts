import { type BootstrapEvent, cityEventsTopic, partnerEventHeaders } from '@smartcity/platform-contracts';
import { type OutboxEntry } from '@smartcity/platform-db';
import { type BootstrapOutcome } from './bootstrap-sequence';

/** What the handler knows of one sequence besides its outcome (no key: the account's URI only). */
export interface SequenceFacts {
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  readonly serverUri: string;
  readonly rotation: boolean;
}

/**
 * The partner event of one bootstrap sequence (issue 18: "the bootstrap session, its writes and its outcome are
 * events of the device"), `city.<tenant>.events.v1`, schema docs/asyncapi/schemas/event-message.schema.json.
 */
export function bootstrapEvent(
  device: { readonly tenantId: string; readonly deviceId: string; readonly endpoint: string },
  outcome: BootstrapOutcome,
  facts: SequenceFacts,
): BootstrapEvent {
  const common = {
    startedAt: new Date(facts.startedAtMs).toISOString(),
    serverUri: facts.serverUri,
    rotation: facts.rotation,
  };
  const detail: BootstrapEvent['bootstrap'] =
    outcome.outcome === 'finished'
      ? {
          ...common,
          outcome: 'finished',
          writes: [`/0/${outcome.securityInstance}`, `/1/${outcome.serverInstance}`, ...outcome.objectWrites],
          ...(outcome.skipped.length > 0 ? { skipped: outcome.skipped } : {}),
          verified: outcome.verified,
        }
      : outcome.outcome === 'failed'
        ? {
            ...common,
            outcome: 'failed',
            step: outcome.step,
            code: outcome.code,
            ...(outcome.reason ? { reason: outcome.reason } : {}),
          }
        : { ...common, outcome: 'aborted', step: outcome.step, reason: outcome.reason.slice(0, 64) };
  return {
    id: `${device.deviceId}:bootstrap:${facts.startedAtMs}`,
    type: outcome.outcome === 'finished' ? 'device.bootstrapped' : 'device.bootstrap-failed',
    tenant: device.tenantId,
    deviceId: device.deviceId,
    endpoint: device.endpoint,
    time: new Date(facts.endedAtMs).toISOString(),
    bootstrap: detail,
  };
}

/** The event as an outbox entry (key: device id, so one device's events stay ordered); no live update. */
export function bootstrapEventEntry(event: BootstrapEvent): OutboxEntry {
  return {
    tenant: event.tenant,
    topic: cityEventsTopic(event.tenant),
    key: event.deviceId,
    payload: event,
    headers: partnerEventHeaders(event.type),
  };
}
