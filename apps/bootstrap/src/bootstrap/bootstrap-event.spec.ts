import { partnerSchemaValidators } from '@smartcity/platform-contracts';
import { bootstrapEvent, bootstrapEventEntry } from './bootstrap-event';
import { type BootstrapOutcome } from './bootstrap-sequence';

const device = { tenantId: 'lyon', deviceId: '6f1c2a8e-4b7d-4e0a-9c55-0d2e3f4a5b6c', endpoint: 'lyon-sl-1' };
const facts = {
  startedAtMs: Date.UTC(2026, 11, 3, 17, 0, 0),
  endedAtMs: Date.UTC(2026, 11, 3, 17, 0, 2),
  serverUri: 'coaps://ingest.lyon.example:5684',
  rotation: true,
};
const { event: validEvent } = partnerSchemaValidators();
const FINISHED: BootstrapOutcome = {
  outcome: 'finished',
  securityInstance: 1,
  serverInstance: 0,
  objectWrites: [],
  skipped: [],
  verified: true,
};

describe('bootstrapEvent', () => {
  it.each<[BootstrapOutcome, object]>([
    [
      FINISHED,
      {
        type: 'device.bootstrapped',
        bootstrap: { outcome: 'finished', writes: ['/0/1', '/1/0'], verified: true },
      },
    ],
    [
      {
        ...FINISHED,
        objectWrites: ['/3416/0'],
        skipped: [{ path: '/3418/0', code: '4.04' }],
        verified: false,
      },
      {
        type: 'device.bootstrapped',
        bootstrap: {
          outcome: 'finished',
          writes: ['/0/1', '/1/0', '/3416/0'],
          skipped: [{ path: '/3418/0', code: '4.04' }],
          verified: false,
        },
      },
    ],
    [
      { outcome: 'failed', step: 'read-server', code: '2.05', reason: 'read-back-mismatch' },
      {
        type: 'device.bootstrap-failed',
        bootstrap: { outcome: 'failed', step: 'read-server', code: '2.05', reason: 'read-back-mismatch' },
      },
    ],
    [
      { outcome: 'failed', step: 'finish', code: '4.06' },
      { type: 'device.bootstrap-failed', bootstrap: { outcome: 'failed', step: 'finish', code: '4.06' } },
    ],
    [
      { outcome: 'aborted', step: 'write-server', reason: 'timeout' },
      {
        type: 'device.bootstrap-failed',
        bootstrap: { outcome: 'aborted', step: 'write-server', reason: 'timeout' },
      },
    ],
  ])('describes %j and matches the partner schema', (outcome, expected) => {
    const event = bootstrapEvent(device, outcome, facts);
    expect(event).toMatchObject({
      ...expected,
      id: `${device.deviceId}:bootstrap:${facts.startedAtMs}`,
      tenant: 'lyon',
      endpoint: 'lyon-sl-1',
      time: '2026-12-03T17:00:02.000Z',
      bootstrap: { startedAt: '2026-12-03T17:00:00.000Z', serverUri: facts.serverUri, rotation: true },
    });
    expect(validEvent(event)).toBe(true);
  });

  it('bounds an abort reason (a channel error name) to what the schema allows', () => {
    const event = bootstrapEvent(
      device,
      { outcome: 'aborted', step: 'discover', reason: 'x'.repeat(500) },
      facts,
    );
    expect(event.bootstrap.reason).toHaveLength(64);
    expect(validEvent(event)).toBe(true);
  });

  it('goes to the tenant events topic, keyed by device, with the partner headers and no key material', () => {
    const entry = bootstrapEventEntry(bootstrapEvent(device, FINISHED, facts));
    expect(entry).toMatchObject({
      tenant: 'lyon',
      topic: 'city.lyon.events.v1',
      key: device.deviceId,
      headers: { 'schema-version': '1', 'message-type': 'device.bootstrapped' },
    });
    expect(JSON.stringify(entry.payload)).not.toMatch(/psk|key/i);
  });

  it('the schema refuses what a bootstrap event must not carry', () => {
    const event = bootstrapEvent(device, FINISHED, facts);
    expect(validEvent({ ...event, bootstrap: { ...event.bootstrap, pskKey: 'aa' } })).toBe(false);
    expect(validEvent({ ...event, type: 'device.bootstrap-maybe' })).toBe(false);
  });
});
