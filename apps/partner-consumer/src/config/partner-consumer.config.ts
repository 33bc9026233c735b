import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * What a partner configures, from the environment. Standalone on purpose (kafkajs and zod only, no platform
 * library): a partner copies this directory into its own project. Defaults reach the local development stack.
 *
 *   PARTNER_BROKERS        comma-separated bootstrap servers (default 127.0.0.1:9092)
 *   PARTNER_TENANT         the city whose topics to read (required), e.g. lyon
 *   PARTNER_TOPICS         telemetry, events or both (default telemetry)
 *   PARTNER_GROUP_ID       the consumer group; with partner credentials it must start with the partner's id
 *   PARTNER_CLIENT_ID      Kafka client id (default partner-consumer)
 *   PARTNER_USERNAME/PASSWORD  SASL/SCRAM-SHA-512 credentials the platform issued (both or neither)
 *   PARTNER_TLS            true: TLS to the brokers; PARTNER_TLS_CA_FILE a PEM bundle to trust instead of the system's
 *   PARTNER_REPLAY_FROM    before joining, move the group's offsets: `earliest`, or an ISO 8601 time (the first
 *                          message at or after it; within the topic's retention)
 */
export const partnerConsumerConfigSchema = z
  .object({
    PARTNER_BROKERS: z
      .string()
      .default('127.0.0.1:9092')
      .transform((s) => s.split(',').map((b) => b.trim()))
      .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port expected')).min(1)),
    PARTNER_TENANT: z.string().regex(/^[a-z0-9-]{2,32}$/, 'a city slug ([a-z0-9-]{2,32}) expected'),
    PARTNER_TOPICS: z
      .string()
      .default('telemetry')
      .transform((s) => [...new Set(s.split(',').map((t) => t.trim()))])
      .pipe(z.array(z.enum(['telemetry', 'events'])).min(1)),
    PARTNER_GROUP_ID: z.string().min(1).max(249),
    PARTNER_CLIENT_ID: z.string().min(1).default('partner-consumer'),
    PARTNER_USERNAME: z.string().min(1).optional(),
    PARTNER_PASSWORD: z.string().min(1).optional(),
    PARTNER_TLS: z.enum(['true', 'false']).default('false'),
    PARTNER_TLS_CA_FILE: z.string().min(1).optional(),
    PARTNER_REPLAY_FROM: z.union([z.literal('earliest'), z.iso.datetime({ offset: true })]).optional(),
  })
  .refine((c) => (c.PARTNER_USERNAME === undefined) === (c.PARTNER_PASSWORD === undefined), {
    message: 'PARTNER_USERNAME and PARTNER_PASSWORD go together',
    path: ['PARTNER_PASSWORD'],
  });

export interface PartnerConsumerOptions {
  readonly brokers: string[];
  readonly tenant: string;
  readonly topics: ('telemetry' | 'events')[];
  readonly groupId: string;
  readonly clientId: string;
  readonly sasl?: { readonly username: string; readonly password: string };
  readonly tls?: { readonly ca?: string };
  /** `earliest` or a time in ms since the epoch. */
  readonly replayFrom?: 'earliest' | number;
}

/** Reads and validates the environment; throws one message naming every bad variable (never its value). */
export function loadPartnerConsumerConfig(env: NodeJS.ProcessEnv = process.env): PartnerConsumerOptions {
  const parsed = partnerConsumerConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  return {
    brokers: c.PARTNER_BROKERS,
    tenant: c.PARTNER_TENANT,
    topics: c.PARTNER_TOPICS,
    groupId: c.PARTNER_GROUP_ID,
    clientId: c.PARTNER_CLIENT_ID,
    ...(c.PARTNER_USERNAME && c.PARTNER_PASSWORD
      ? { sasl: { username: c.PARTNER_USERNAME, password: c.PARTNER_PASSWORD } }
      : {}),
    ...(c.PARTNER_TLS === 'true'
      ? { tls: c.PARTNER_TLS_CA_FILE ? { ca: readFileSync(c.PARTNER_TLS_CA_FILE, 'utf8') } : {} }
      : {}),
    ...(c.PARTNER_REPLAY_FROM === undefined
      ? {}
      : {
          replayFrom: c.PARTNER_REPLAY_FROM === 'earliest' ? 'earliest' : Date.parse(c.PARTNER_REPLAY_FROM),
        }),
  };
}
