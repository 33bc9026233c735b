import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { type UplinkMessage } from '@smartcity/platform-contracts';
import { type IngestApp } from '../../../apps/coap-ingest/src/ingest.app';
import { type IngestTestWorld } from '../../../apps/coap-ingest/src/testing/ingest-harness';
import { type IngestConfig } from '../../../apps/coap-ingest/src/config/ingest.config';
import { LeshanClientPeer, type LeshanEvent, type LeshanStartOptions } from '../leshan-client/leshan-client';
import { freshKey, type Issued, type TestPki } from './test-pki';

/**
 * What the coaps interop tests share: the ingest's own ECDSA key and certificate (TLS_ECDHE_ECDSA for RPK and X.509
 * devices), Leshan clients started against the ingest's coaps port and stopped after each test, and the uplink
 * queries of a refusal ("nothing registered", checked behind a sentinel instead of a sleep).
 */

/** Timeouts for a 2-core box shared with Kafka, PostgreSQL, Redis, Keycloak and a JVM per Leshan client. */
export const TIMEOUTS = { test: 120_000, setup: 240_000, event: 45_000, downlinkMs: 30_000 } as const;

export interface ServerIdentity {
  /** The ingest's P-256 key; an RPK device pins its public half (RFC 7250). */
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The ingest's certificate for 127.0.0.1 (SAN IP), issued by a platform CA that is no tenant's. */
  readonly certificate: Issued;
  readonly platformCa: Issued;
  /** COAPS_PRIVATE_KEY_FILE and COAPS_CERTIFICATE_FILE for `world.startIngest`. */
  readonly config: Partial<IngestConfig>;
}

export function serverIdentity(pki: TestPki): ServerIdentity {
  const privateKey = freshKey();
  const platformCa = pki.authority('platform-ca');
  // Leshan's certificate usage 3 (domain-issued, Core 1.1.1 §E.1.1) matches this certificate and checks that it
  // names the host of the server URI (RFC 6125): 127.0.0.1 as an IP SAN.
  const certificate = pki.issue(platformCa, 'ingest', {
    commonName: 'coap-ingest',
    subjectAltNames: ['IP:127.0.0.1'],
    purpose: 'server',
    key: privateKey,
  });
  const chain = pki.write('ingest-chain.pem', certificate.certificate + platformCa.certificate);
  return {
    privateKey,
    publicKey: createPublicKey(privateKey),
    certificate,
    platformCa,
    config: { COAPS_PRIVATE_KEY_FILE: certificate.keyFile, COAPS_CERTIFICATE_FILE: chain },
  };
}

/** DER SubjectPublicKeyInfo of a key, the form `provisionWith({ mode: 'rpk' })` takes. */
export function spkiOf(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: 'spki', format: 'der' });
}

/** The two bytes that prefix every CID an ingest instance issues (apps/coap-ingest coaps-transport.ts). */
export function cidPrefixOf(instanceId: string): string {
  return createHash('sha256').update(instanceId).digest().subarray(0, 2).toString('hex');
}

/** Leshan clients of one test file: each runs in its own JVM (Leshan cannot start again after a De-register). */
export class LeshanFleet {
  private readonly running: LeshanClientPeer[] = [];

  constructor(private readonly app: () => IngestApp) {}

  /**
   * Launches a Leshan client and starts it against the ingest's coaps port (or `serverUri`). The registration
   * engine retries after 10 minutes only: a refused client makes one attempt within the test.
   */
  async connect(
    options: Omit<LeshanStartOptions, 'serverUri'> & { serverUri?: string },
  ): Promise<LeshanClientPeer> {
    const leshan = await LeshanClientPeer.launch({ readyTimeoutMs: TIMEOUTS.event * 2 });
    this.running.push(leshan);
    await leshan.start({
      serverUri: `coaps://127.0.0.1:${this.app().coapsPort()}`,
      retryWaitMs: 600_000,
      requestTimeoutMs: 40_000,
      ...options,
    });
    return leshan;
  }

  async stopAll(): Promise<void> {
    for (const leshan of this.running.splice(0)) await leshan.stop().catch(() => leshan.kill());
  }
}

/** The first of the events of a failed attempt: a DTLS failure, a refused or timed-out Register. */
export function isFailure(e: LeshanEvent): boolean {
  return ['dtls-handshake-failed', 'registration-failed', 'registration-timeout'].includes(e.event);
}

/**
 * The uplinks of `endpoint` once every uplink the ingest acknowledged before this call has been read (a sentinel
 * published behind them on the single-partition topic): for "nothing was registered" without a sleep.
 */
export async function settledUplinksOf(world: IngestTestWorld, endpoint: string): Promise<UplinkMessage[]> {
  await world.sentinel();
  return world.uplinks.filter((u) => u.endpoint === endpoint);
}

/**
 * The ingest's own count of DTLS handshakes (`coap_ingest_dtls_handshakes_total`), by `outcome:kind:alert`
 * (`ok:full:`, `ok:resumed:`, `failed::decrypt_error`): the server side of "one handshake, no more".
 */
export async function handshakeCounts(app: IngestApp): Promise<Record<string, number>> {
  const metric = app.registry.getSingleMetric('coap_ingest_dtls_handshakes_total');
  if (!metric) throw new Error('the ingest has no coap_ingest_dtls_handshakes_total metric');
  const counts: Record<string, number> = {};
  for (const { labels, value } of (await metric.get()).values) {
    const key = `${String(labels['outcome'])}:${String(labels['kind'] ?? '')}:${String(labels['alert'] ?? '')}`;
    counts[key] = (counts[key] ?? 0) + value;
  }
  return counts;
}

/** What `handshakeCounts` grew by between two readings (keys that did not change are left out). */
export function countsSince(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    if (value !== (before[key] ?? 0)) delta[key] = value - (before[key] ?? 0);
  }
  return delta;
}
