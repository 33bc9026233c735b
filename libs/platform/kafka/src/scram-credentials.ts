import { randomBytes } from 'node:crypto';
import { type KafkaClient } from './kafka-client';
import {
  ALTER_USER_SCRAM_CREDENTIALS_API_KEY,
  SCRAM_ERROR_NAMES,
  SCRAM_MAX_ITERATIONS,
  SCRAM_MIN_ITERATIONS,
  ScramMechanism,
  decodeAlterUserScramCredentialsResponse,
  decodeApiVersionsResponse,
  encodeAlterUserScramCredentialsRequest,
  encodeApiVersionsRequest,
  scramSaltedPassword,
  type AlterUserScramCredentialsResult,
} from './scram-codec';
import { KafkaWireConnection } from './scram-connection';

/**
 * Creates, replaces and deletes SCRAM-SHA-512 users in the cluster's metadata log through AlterUserScramCredentials
 * (KIP-554), which kafkajs 2.2.4 does not have.
 *
 * Why an own connection and not a kafkajs broker connection: kafkajs writes request header v1 only, while API 51
 * is flexible from v0 (header v2 with tagged fields); its Cluster/Connection objects are private (symbol-keyed,
 * not exported), so reaching them would tie this code to kafkajs' internals. The protocol framing needed here is
 * a dozen lines and fixed by the spec, so we open a plain TCP connection to a bootstrap broker (the same brokers
 * and connectVia mapping as the KafkaClient, which is plain TCP too), check with ApiVersions that the broker
 * supports API 51 v0, and send the request. Any broker accepts it: a KRaft broker forwards it to the active
 * controller. The password never leaves this process: only the salt and the salted password are sent
 * (RFC 5802 §3: the server stores StoredKey/ServerKey derived from SaltedPassword).
 */

export interface ScramUpsert {
  readonly user: string;
  readonly password: string;
  /** PBKDF2 iterations, between 4096 and 16384 (broker limits); 8192 by default. */
  readonly iterations?: number;
}

export interface AlterScramCredentialsInput {
  readonly upsert?: readonly ScramUpsert[];
  readonly delete?: readonly string[];
  /** Treat RESOURCE_NOT_FOUND on a deletion as success (revoking a user twice). */
  readonly ignoreMissing?: boolean;
}

export interface ScramUserFailure {
  readonly user: string;
  readonly errorCode: number;
  readonly errorName: string;
  readonly errorMessage: string | null;
}

/** One or more users were refused by the broker; each with its Kafka error code and name. */
export class ScramCredentialsError extends Error {
  constructor(readonly failures: readonly ScramUserFailure[]) {
    super(
      `AlterUserScramCredentials refused: ${failures
        .map((f) => `${f.user}: ${f.errorName}${f.errorMessage ? ` (${f.errorMessage})` : ''}`)
        .join('; ')}`,
    );
    this.name = 'ScramCredentialsError';
  }
}

const DEFAULT_ITERATIONS = 8192;
const RESOURCE_NOT_FOUND = 91;

export async function alterScramCredentials(
  client: KafkaClient,
  input: AlterScramCredentialsInput,
): Promise<void> {
  const upsertions = (input.upsert ?? []).map((u) => {
    const iterations = u.iterations ?? DEFAULT_ITERATIONS;
    if (iterations < SCRAM_MIN_ITERATIONS || iterations > SCRAM_MAX_ITERATIONS)
      throw new RangeError(
        `SCRAM iterations must be within ${SCRAM_MIN_ITERATIONS}..${SCRAM_MAX_ITERATIONS}`,
      );
    // RFC 5802 §5.1: a random salt per credential; 32 bytes is above Kafka's own (ScramFormatter) salt entropy.
    const salt = randomBytes(32);
    return {
      user: u.user,
      mechanism: ScramMechanism.ScramSha512,
      iterations,
      salt,
      saltedPassword: scramSaltedPassword(u.password, salt, iterations, ScramMechanism.ScramSha512),
    };
  });
  const deletions = (input.delete ?? []).map((user) => ({ user, mechanism: ScramMechanism.ScramSha512 }));
  if (upsertions.length === 0 && deletions.length === 0) return;
  // Our own connection is plain TCP: a client configured to authenticate (SASL) or encrypt (TLS) must not have
  // its admin request sent in the clear to an unauthenticated listener instead.
  if (client.options.authentication !== undefined)
    throw new Error(
      'alterScramCredentials supports PLAINTEXT admin connections only (no SASL/TLS handshake yet)',
    );

  const results = await sendToAnyBroker(client, (id) =>
    encodeAlterUserScramCredentialsRequest(id, client.options.clientId, { deletions, upsertions }),
  );
  const deleted = new Set(deletions.map((d) => d.user));
  const failures = results
    .filter((r) => r.errorCode !== 0)
    .filter((r) => !(input.ignoreMissing && r.errorCode === RESOURCE_NOT_FOUND && deleted.has(r.user)))
    .map((r) => ({
      user: r.user,
      errorCode: r.errorCode,
      errorName: SCRAM_ERROR_NAMES[r.errorCode] ?? `error ${r.errorCode}`,
      errorMessage: r.errorMessage,
    }));
  if (failures.length > 0) throw new ScramCredentialsError(failures);
}

async function sendToAnyBroker(
  client: KafkaClient,
  encode: (correlationId: number) => Buffer,
): Promise<readonly AlterUserScramCredentialsResult[]> {
  const errors: string[] = [];
  for (const broker of client.options.brokers) {
    const [host, port] = splitHostPort(broker);
    const target = client.options.connectVia ? client.options.connectVia({ host, port }) : { host, port };
    let conn: KafkaWireConnection;
    try {
      conn = await KafkaWireConnection.open(target, {
        connectTimeoutMs: client.options.connectionTimeoutMs ?? 1000,
        requestTimeoutMs: client.options.requestTimeoutMs ?? 10_000,
      });
    } catch (err) {
      errors.push(`${broker}: ${(err as Error).message}`);
      continue;
    }
    try {
      const versions = decodeApiVersionsResponse(
        await conn.request(encodeApiVersionsRequest(1, client.options.clientId)),
      );
      const api = versions.apis.find((a) => a.apiKey === ALTER_USER_SCRAM_CREDENTIALS_API_KEY);
      if (versions.errorCode !== 0 || !api || api.minVersion > 0)
        throw new Error(`broker ${broker} does not support AlterUserScramCredentials v0 (KIP-554)`);
      const { correlationId, response } = decodeAlterUserScramCredentialsResponse(
        await conn.request(encode(2)),
      );
      if (correlationId !== 2) throw new Error(`response correlation id ${correlationId}, expected 2`);
      return response.results;
    } finally {
      conn.close();
    }
  }
  throw new Error(`no broker reachable for AlterUserScramCredentials: ${errors.join('; ')}`);
}

function splitHostPort(broker: string): [string, number] {
  const i = broker.lastIndexOf(':');
  const port = Number(broker.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port)) throw new Error(`broker address without a port: ${broker}`);
  return [broker.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port];
}
