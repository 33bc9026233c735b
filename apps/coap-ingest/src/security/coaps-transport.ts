import { createHash } from 'node:crypto';
import { type Clock, UdpTransport } from '@smartcity/coap';
import {
  certificateFromSettings,
  type CipherSuiteName,
  DEFAULT_SERVER_SUITES,
  type DtlsMetrics,
  DtlsServerTransport,
  limitsFromSettings,
  type SealingKey,
} from '@smartcity/dtls';
import { type Redis } from '@smartcity/platform-redis';
import { type IngestConfig } from '../config/ingest.config';
import { type CredentialLookup } from './credential-lookup';
import { RedisSessionStore } from './redis-session-store';
import { type TenantAuthorityCache } from './tenant-authorities';

export interface CoapsDeps {
  readonly config: IngestConfig;
  readonly credentials: CredentialLookup;
  readonly authorities: TenantAuthorityCache;
  readonly redis: Redis;
  readonly metrics: DtlsMetrics;
  readonly clock: Clock;
  readonly onSocketError: (err: Error) => void;
}

/**
 * The `coaps` listener (RFC 7252 §9, DTLS 1.2): PSK devices by identity, raw-public-key devices by their key, X.509
 * devices by a chain to any tenant's CA (the authorizer then requires their own tenant's); Connection IDs that name
 * this instance (RFC 9146) and sessions sealed in Redis so another instance resumes them.
 */
export function createCoapsTransport(deps: CoapsDeps): DtlsServerTransport {
  const { config } = deps;
  const certificate = certificateFromSettings(config);
  const suites: CipherSuiteName[] = [...DEFAULT_SERVER_SUITES];
  if (config.COAPS_LEGACY_CBC) suites.push('TLS_PSK_WITH_AES_128_CBC_SHA256');
  return new DtlsServerTransport({
    transport: new UdpTransport({
      host: config.COAP_HOST,
      port: config.COAPS_PORT,
      onError: deps.onSocketError,
    }),
    psk: {
      resolvePsk: async (identity) => {
        const owner = await deps.credentials.pskOwner(identity);
        // A decommissioned device's key opens nothing; the handshake fails as for an unknown identity.
        return owner && !owner.decommissioned ? owner.key : undefined;
      },
    },
    ...(certificate ? { certificate } : {}),
    clientAuthentication: {
      trustAnchors: deps.authorities.all(),
      verifyRawPublicKey: async (spki) => {
        const owner = await deps.credentials.rpkOwner(spki);
        return !!owner && !owner.decommissioned;
      },
    },
    cipherSuites: suites,
    // Two bytes of the instance id prefix every CID we issue: the cluster can route a record to its session.
    connectionId: { instanceId: createHash('sha256').update(config.INSTANCE_ID).digest().subarray(0, 2) },
    sessionResumption: {
      store: new RedisSessionStore(deps.redis, config.REDIS_KEY_PREFIX),
      sealingKeys: parseSealingKeys(config.COAPS_SESSION_KEYS),
      lifetimeMs: config.COAPS_SESSION_LIFETIME_S * 1000,
    },
    limits: limitsFromSettings(config),
    metrics: deps.metrics,
    clock: deps.clock,
  });
}

/** `id:base64key[,id:base64key]` -> sealing keys, the first one sealing. */
export function parseSealingKeys(spec: string): SealingKey[] {
  return spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const colon = part.indexOf(':');
      const key = Buffer.from(part.slice(colon + 1), 'base64');
      if (colon < 1 || key.length !== 32)
        throw new Error('COAPS_SESSION_KEYS entries are id:base64 of 32 bytes');
      return { id: part.slice(0, colon), key };
    });
}
