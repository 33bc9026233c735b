import { randomBytes } from 'node:crypto';
import { type KafkaClient } from './kafka-client';
import { ScramClientSession } from './scram-client';
import {
  ALTER_USER_SCRAM_CREDENTIALS_API_KEY,
  SASL_AUTHENTICATE_API_KEY,
  SASL_HANDSHAKE_API_KEY,
  SCRAM_ERROR_NAMES,
  SCRAM_MAX_ITERATIONS,
  SCRAM_MIN_ITERATIONS,
  ScramMechanism,
  decodeAlterUserScramCredentialsResponse,
  decodeApiVersionsResponse,
  decodeSaslAuthenticateResponse,
  decodeSaslHandshakeResponse,
  encodeAlterUserScramCredentialsRequest,
  encodeApiVersionsRequest,
  encodeSaslAuthenticateRequest,
  encodeSaslHandshakeRequest,
  scramSaltedPassword,
  type AlterUserScramCredentialsResult,
  type ApiVersionRange,
} from './scram-codec';
import { KafkaWireConnection } from './scram-connection';

/**
 * Creates, replaces and deletes SCRAM-SHA-512 users in the cluster's metadata log through AlterUserScramCredentials
 * (KIP-554), which kafkajs 2.2.4 does not have.
 *
 * Why an own connection and not a kafkajs broker connection: kafkajs writes request header v1 only, while API 51
 * is flexible from v0 (header v2 with tagged fields); its Cluster/Connection objects are private (symbol-keyed,
 * not exported), so reaching them would tie this code to kafkajs' internals. The protocol framing needed here is
 * a dozen lines and fixed by the spec, so we open our own connection to a bootstrap broker with the KafkaClient's
 * brokers, connectVia mapping and authentication (TLS, then SASL/SCRAM with the app's own principal, which needs
 * ALTER on the cluster), check with ApiVersions that the broker supports API 51 v0, and send the request. Any
 * broker accepts it: a KRaft broker forwards it to the active controller. A new user's password never leaves this
 * process: only the salt and the salted password are sent (RFC 5802 §3: the server derives StoredKey/ServerKey).
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
        ...(client.options.authentication?.tls ? { tls: client.options.authentication.tls } : {}),
      });
    } catch (err) {
      errors.push(`${broker}: ${(err as Error).message}`);
      continue;
    }
    try {
      // ApiVersions may precede SASL (KIP-511; the broker answers it before authentication).
      const versions = decodeApiVersionsResponse(
        await conn.request(encodeApiVersionsRequest(CORRELATION.apiVersions, client.options.clientId)),
      );
      if (versions.errorCode !== 0)
        throw new Error(`broker ${broker}: ApiVersions error ${versions.errorCode}`);
      requireVersion(
        versions.apis,
        ALTER_USER_SCRAM_CREDENTIALS_API_KEY,
        0,
        'AlterUserScramCredentials (KIP-554)',
      );
      const sasl = client.options.authentication?.sasl;
      if (sasl) {
        requireVersion(versions.apis, SASL_HANDSHAKE_API_KEY, 1, 'SaslHandshake');
        requireVersion(versions.apis, SASL_AUTHENTICATE_API_KEY, 1, 'SaslAuthenticate');
        await authenticate(conn, client.options.clientId, sasl);
      }
      const { correlationId, response } = decodeAlterUserScramCredentialsResponse(
        await conn.request(encode(CORRELATION.alter)),
      );
      if (correlationId !== CORRELATION.alter)
        throw new Error(`response correlation id ${correlationId}, expected ${CORRELATION.alter}`);
      return response.results;
    } finally {
      conn.close();
    }
  }
  throw new Error(`no broker reachable for AlterUserScramCredentials: ${errors.join('; ')}`);
}

/** One request after the other on a fresh connection: fixed correlation ids. */
const CORRELATION = { apiVersions: 1, handshake: 2, clientFirst: 3, clientFinal: 4, alter: 5 } as const;

function requireVersion(
  apis: readonly ApiVersionRange[],
  apiKey: number,
  version: number,
  name: string,
): void {
  const api = apis.find((a) => a.apiKey === apiKey);
  if (!api || api.minVersion > version || api.maxVersion < version)
    throw new Error(`the broker does not support ${name} v${version}`);
}

/**
 * SASL/SCRAM on our connection (Kafka KIP-84 and KIP-152): SaslHandshake v1 names the mechanism, then the SCRAM
 * messages of RFC 5802 §3 travel as the auth_bytes of two SaslAuthenticate requests; the server's final message
 * is verified (it proves the broker knows the credential).
 */
async function authenticate(
  conn: KafkaWireConnection,
  clientId: string,
  sasl: {
    readonly mechanism: 'scram-sha-512' | 'scram-sha-256';
    readonly username: string;
    readonly password: string;
  },
): Promise<void> {
  const mechanismName = sasl.mechanism.toUpperCase();
  const hs = decodeSaslHandshakeResponse(
    await conn.request(encodeSaslHandshakeRequest(CORRELATION.handshake, clientId, mechanismName)),
  );
  if (hs.errorCode !== 0)
    throw new Error(
      `SASL mechanism ${mechanismName} refused (the listener enables: ${hs.mechanisms.join(', ')})`,
    );
  const session = new ScramClientSession(
    sasl.mechanism === 'scram-sha-512' ? ScramMechanism.ScramSha512 : ScramMechanism.ScramSha256,
    sasl.username,
    sasl.password,
  );
  const step = async (id: number, message: string): Promise<string> => {
    const r = decodeSaslAuthenticateResponse(
      await conn.request(encodeSaslAuthenticateRequest(id, clientId, Buffer.from(message, 'utf8'))),
    );
    if (r.errorCode !== 0) {
      const name = SCRAM_ERROR_NAMES[r.errorCode] ?? `error ${r.errorCode}`;
      throw new Error(`SASL authentication failed: ${name}${r.errorMessage ? ` (${r.errorMessage})` : ''}`);
    }
    return r.authBytes.toString('utf8');
  };
  const serverFirst = await step(CORRELATION.clientFirst, session.clientFirst());
  const serverFinal = await step(CORRELATION.clientFinal, session.clientFinal(serverFirst));
  session.verifyServerFinal(serverFinal);
}

function splitHostPort(broker: string): [string, number] {
  const i = broker.lastIndexOf(':');
  const port = Number(broker.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port)) throw new Error(`broker address without a port: ${broker}`);
  return [broker.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port];
}
