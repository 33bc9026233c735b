import { randomBytes, randomUUID } from 'node:crypto';
import { createLogger } from '@smartcity/platform-observability';
import {
  KafkaClient,
  deleteTopics,
  describePrincipalAcls,
  ensureTopics,
  scramPrincipal,
} from '@smartcity/platform-kafka';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { PartnerConsumer, type PartnerMessage } from '../../../apps/partner-consumer/src/partner-consumer';
import {
  codesOf,
  gql,
  type GqlResult,
  type RunningGateway,
  startGateway,
} from '../../../apps/gateway/test/support/gateway-process';
import { type DemoUser, tokenOf } from '../../../apps/gateway/test/support/keycloak-tokens';
import { TEST_ENV } from '../../../apps/gateway/test/support/test-env.config';

// Partner management through the real gateway, then the partner's view of the real broker: the local stack's
// SASL/SCRAM-SHA-512 listener (127.0.0.1:9094) with the KRaft StandardAuthorizer (deploy/local/services/30-kafka.sh).
// Data-plane checks use two throw-away cities (their own topics, created as the platform on 9092) so that no
// message lands on lyon's or porto's topics; role checks use the demo cities lyon and porto and their admins.

const PARTNER_BROKERS = ['127.0.0.1:9094'];
const FIELDS = 'id name topics username bootstrapServers createdAt secretIssuedAt revokedAt';
const CREATE = `mutation($input: CreatePartnerInput!) {
  createPartner(input: $input) { secret partner { ${FIELDS} } } }`;
const ROTATE = `mutation($id: ID!) { rotatePartnerSecret(id: $id) { secret partner { ${FIELDS} } } }`;
const REVOKE = `mutation($id: ID!) { revokePartner(id: $id) { ${FIELDS} } }`;
const LIST = `{ partners { ${FIELDS} } }`;

interface PartnerOut {
  id: string;
  name: string;
  topics: string[];
  username: string;
  bootstrapServers: string[];
  revokedAt: string | null;
}
interface Created {
  secret: string;
  partner: PartnerOut;
}

jest.setTimeout(180_000);

/** The error a promise rejects with, as `type` (kafkajs protocol error name) or `name: message`. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (err) {
    const e = err as { type?: string; name?: string; message?: string; errors?: unknown[] };
    if (e.type) return e.type;
    // createTopics/deleteTopics aggregate one error per topic
    const inner = (e.errors ?? []) as { type?: string }[];
    if (inner[0]?.type) return inner[0].type;
    return `${e.name}: ${e.message}`;
  }
}

describe('partners (GraphQL, real gateway, real broker with SASL/SCRAM and ACLs)', () => {
  const run = randomBytes(4).toString('hex');
  const cityA = `pa${run}`;
  const cityB = `pb${run}`;
  const owner = new Pool({ connectionString: TEST_ENV.ownerUrl, max: 2 });
  const platform = new KafkaClient({
    clientId: `partners-test-${run}`,
    brokers: TEST_ENV.kafkaBrokers,
    logger: createLogger({ app: 'partners-int-test', level: 'silent' }),
  });
  const platformKafka = new Kafka({
    clientId: `partners-test-${run}`,
    brokers: TEST_ENV.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topicsOf = (city: string) => [`city.${city}.telemetry.v1`, `city.${city}.events.v1`];
  let gateway: RunningGateway;
  const created: { tenant: string; id: string }[] = [];

  const as = async <T = Record<string, unknown>>(
    user: DemoUser,
    query: string,
    variables: Record<string, unknown> = {},
    tenant?: string,
  ): Promise<GqlResult<T>> =>
    gql<T>(gateway, query, variables, { token: await tokenOf(user), ...(tenant ? { tenant } : {}) });

  const create = async (user: DemoUser, tenant: string, name: string, topics: string[]): Promise<Created> => {
    const res = await as<{ createPartner: Created }>(user, CREATE, { input: { name, topics } }, tenant);
    expect(res.errors).toEqual([]);
    const out = res.data!.createPartner;
    created.push({ tenant, id: out.partner.id });
    return out;
  };

  const partnerKafka = (username: string, password: string) =>
    new Kafka({
      clientId: `partner-${run}`,
      brokers: PARTNER_BROKERS,
      sasl: { mechanism: 'scram-sha-512', username, password },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });

  /** Connects as the partner and lists what the broker lets it see (authentication only needs the user). */
  const connectAs = async (username: string, password: string): Promise<string> => {
    const admin = partnerKafka(username, password).admin();
    try {
      await admin.connect();
      await admin.listTopics();
      return 'connected';
    } catch (err) {
      return `${(err as Error).name}: ${(err as Error).message}`;
    } finally {
      await admin.disconnect();
    }
  };

  const consumeOne = async (
    username: string,
    password: string,
    tenant: string,
    groupId: string,
  ): Promise<PartnerMessage> => {
    const consumer = new PartnerConsumer({
      brokers: PARTNER_BROKERS,
      tenant,
      topics: ['telemetry'],
      groupId,
      clientId: `partner-${run}`,
      sasl: { username, password },
    });
    try {
      return await new Promise<PartnerMessage>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message within 30 s')), 30_000);
        consumer
          .start({
            onMessage: (m) => {
              clearTimeout(timer);
              resolve(m);
            },
          })
          .catch((err: unknown) => {
            clearTimeout(timer);
            reject(err as Error);
          });
      });
    } finally {
      await consumer.stop();
    }
  };

  beforeAll(async () => {
    await owner.query(
      `INSERT INTO tenants (id, name) VALUES ('lyon', 'Lyon'), ('porto', 'Porto') ON CONFLICT (id) DO NOTHING`,
    );
    await owner.query(`INSERT INTO tenants (id, name) VALUES ($1, $1), ($2, $2)`, [cityA, cityB]);
    await ensureTopics(
      platform,
      [...topicsOf(cityA), ...topicsOf(cityB)].map((topic) => ({ topic, partitions: 1 })),
    );
    const producer = platformKafka.producer();
    await producer.connect();
    const headers = {
      'schema-version': '1',
      'content-type': 'application/json',
      'message-type': 'telemetry',
    };
    for (const city of [cityA, cityB])
      await producer.send({
        topic: `city.${city}.telemetry.v1`,
        acks: -1,
        messages: [{ key: `device-${city}`, value: JSON.stringify({ id: `m-${city}`, city }), headers }],
      });
    await producer.disconnect();
    gateway = await startGateway();
  });

  afterAll(async () => {
    // Revoking deletes each partner's Kafka user and ACLs; the tenants' rows take the partners with them.
    for (const p of created)
      await as(p.tenant === 'porto' ? 'porto-admin' : 'platform-admin', REVOKE, { id: p.id }, p.tenant).catch(
        () => undefined,
      );
    await gateway?.stop();
    await deleteTopics(platform, [...topicsOf(cityA), ...topicsOf(cityB)]).catch(() => undefined);
    await owner.query('DELETE FROM tenants WHERE id = ANY($1::text[])', [[cityA, cityB]]);
    await owner.query('DELETE FROM partners WHERE id = ANY($1::uuid[])', [created.map((p) => p.id)]);
    await owner.end();
  });

  describe('a partner of a city, on the partner listener', () => {
    let partner: Created;

    beforeAll(async () => {
      partner = await create('platform-admin', cityA, `analytics ${run}`, ['TELEMETRY']);
    });

    it('is created with its username, topics and the partner bootstrap servers; only a hash is stored', async () => {
      expect(partner.partner).toMatchObject({
        name: `analytics ${run}`,
        topics: ['TELEMETRY'],
        username: `partner-${partner.partner.id}`,
        bootstrapServers: PARTNER_BROKERS,
        revokedAt: null,
      });
      expect(partner.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const { rows } = await owner.query<{ secret_hash: string }>(
        'SELECT secret_hash FROM partners WHERE id = $1',
        [partner.partner.id],
      );
      expect(rows[0]!.secret_hash).toMatch(/^scrypt\$/);
      expect(rows[0]!.secret_hash).not.toContain(partner.secret);
      expect(gateway.output()).not.toContain(partner.secret);
    });

    it('has READ on its topic and on groups prefixed with its username, and nothing else', async () => {
      const acls = await describePrincipalAcls(platform, scramPrincipal(partner.partner.username));
      expect(acls.sort((a, b) => a.resourceType.localeCompare(b.resourceType))).toEqual([
        {
          resourceType: 'GROUP',
          resourceName: partner.partner.username,
          patternType: 'PREFIXED',
          operation: 'READ',
          permission: 'ALLOW',
          host: '*',
        },
        {
          resourceType: 'TOPIC',
          resourceName: `city.${cityA}.telemetry.v1`,
          patternType: 'LITERAL',
          operation: 'READ',
          permission: 'ALLOW',
          host: '*',
        },
      ]);
    });

    it("consumes its city's telemetry with the example consumer (SASL/SCRAM-SHA-512 on 9094)", async () => {
      const { username } = partner.partner;
      const message = await consumeOne(username, partner.secret, cityA, `${username}.reader`);
      expect(message).toMatchObject({
        topic: `city.${cityA}.telemetry.v1`,
        key: `device-${cityA}`,
        messageType: 'telemetry',
        payload: { id: `m-${cityA}`, city: cityA },
      });
    });

    it('replays its own group from the earliest offset with its ACLs (documented PARTNER_REPLAY_FROM)', async () => {
      const { username } = partner.partner;
      const replay = new PartnerConsumer({
        brokers: PARTNER_BROKERS,
        tenant: cityA,
        topics: ['telemetry'],
        groupId: `${username}.reader`,
        clientId: `partner-${run}`,
        sasl: { username, password: partner.secret },
      });
      const committed = async (): Promise<string | undefined> => {
        const admin = platformKafka.admin();
        await admin.connect();
        try {
          const [t] = await admin.fetchOffsets({
            groupId: `${username}.reader`,
            topics: [`city.${cityA}.telemetry.v1`],
          });
          return t?.partitions[0]?.offset;
        } finally {
          await admin.disconnect();
        }
      };
      // The group committed past the only message; the replay moves it back to the start.
      expect(await committed()).toBe('1');
      await replay.replay('earliest');
      // kafkajs' resetOffsets commits the EARLIEST sentinel (-2), which its consumer resolves to the log start.
      expect(['0', '-2']).toContain(await committed());
      const again = await consumeOne(username, partner.secret, cityA, `${username}.reader`);
      expect(again.payload).toEqual({ id: `m-${cityA}`, city: cityA });
    });

    it("is refused another city's topic: TOPIC_AUTHORIZATION_FAILED", async () => {
      const { username } = partner.partner;
      await expect(
        refusal(consumeOne(username, partner.secret, cityB, `${username}.other-city`)),
      ).resolves.toBe('TOPIC_AUTHORIZATION_FAILED');
    });

    it('is refused a consumer group outside its prefix: GROUP_AUTHORIZATION_FAILED', async () => {
      // kafkajs tries FindCoordinator on each broker and only logs the broker's error code (debug level) before
      // giving up with "Failed to find group coordinator": the test reads that code from its log.
      const codes: string[] = [];
      const kafka = new Kafka({
        clientId: `partner-${run}`,
        brokers: PARTNER_BROKERS,
        sasl: { mechanism: 'scram-sha-512', username: partner.partner.username, password: partner.secret },
        retry: { retries: 0 },
        logLevel: logLevel.DEBUG,
        logCreator: () => (entry) => {
          const error = (entry.log as { error?: unknown }).error as { type?: string } | undefined;
          if (error?.type) codes.push(error.type);
        },
      });
      const consumer = kafka.consumer({ groupId: `not-${partner.partner.username}`, retry: { retries: 0 } });
      const crashed = new Promise<string>((resolve) =>
        consumer.on(consumer.events.CRASH, ({ payload }) => resolve(payload.error.message)),
      );
      await consumer.connect();
      await consumer.subscribe({ topics: [`city.${cityA}.telemetry.v1`], fromBeginning: true });
      await consumer.run({ eachMessage: async () => undefined });
      await expect(crashed).resolves.toMatch(/group coordinator/);
      await consumer.disconnect();
      expect(codes).toContain('GROUP_AUTHORIZATION_FAILED');
      // Its own prefix is fine (the consume test above used `<username>.reader`).
    });

    it('is refused producing, creating and deleting topics', async () => {
      const kafka = partnerKafka(partner.partner.username, partner.secret);
      const producer = kafka.producer({ retry: { retries: 0 } });
      await producer.connect();
      await expect(
        refusal(producer.send({ topic: `city.${cityA}.telemetry.v1`, messages: [{ value: 'forged' }] })),
      ).resolves.toBe('TOPIC_AUTHORIZATION_FAILED');
      await producer.disconnect();
      const admin = kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      await expect(
        refusal(admin.createTopics({ topics: [{ topic: `city.${cityA}.extra-${run}.v1` }] })),
      ).resolves.toBe('TOPIC_AUTHORIZATION_FAILED');
      await expect(refusal(admin.deleteTopics({ topics: [`city.${cityA}.telemetry.v1`] }))).resolves.toBe(
        'TOPIC_AUTHORIZATION_FAILED',
      );
      await admin.disconnect();
      // Still there: the platform sees the topic it tried to delete.
      const probe = platformKafka.admin();
      await probe.connect();
      expect(await probe.listTopics()).toContain(`city.${cityA}.telemetry.v1`);
      await probe.disconnect();
    });

    it('is refused with a wrong password: SASL authentication failure', async () => {
      await expect(connectAs(partner.partner.username, `${partner.secret}x`)).resolves.toMatch(
        /KafkaJSSASLAuthenticationError.*authentication failed/i,
      );
    });

    it('after rotation: the new secret works, the old one is refused', async () => {
      const res = await as<{ rotatePartnerSecret: Created }>(
        'platform-admin',
        ROTATE,
        { id: partner.partner.id },
        cityA,
      );
      expect(res.errors).toEqual([]);
      const rotated = res.data!.rotatePartnerSecret;
      expect(rotated.partner.id).toBe(partner.partner.id);
      expect(rotated.secret).not.toBe(partner.secret);
      await expect(connectAs(partner.partner.username, rotated.secret)).resolves.toBe('connected');
      await expect(connectAs(partner.partner.username, partner.secret)).resolves.toMatch(/SASL/);
      partner = rotated;
    });

    it('after revocation: refused at the next connection, its ACLs gone, listed as revoked', async () => {
      await expect(connectAs(partner.partner.username, partner.secret)).resolves.toBe('connected');
      const res = await as<{ revokePartner: PartnerOut }>(
        'platform-admin',
        REVOKE,
        { id: partner.partner.id },
        cityA,
      );
      expect(res.errors).toEqual([]);
      expect(res.data!.revokePartner.revokedAt).not.toBeNull();
      await expect(connectAs(partner.partner.username, partner.secret)).resolves.toMatch(
        /KafkaJSSASLAuthenticationError/,
      );
      await expect(
        describePrincipalAcls(platform, scramPrincipal(partner.partner.username)),
      ).resolves.toEqual([]);
      const list = await as<{ partners: PartnerOut[] }>('platform-admin', LIST, {}, cityA);
      expect(list.data!.partners).toEqual([
        expect.objectContaining({ id: partner.partner.id, revokedAt: expect.any(String) }),
      ]);
      // A revoked partner cannot get a new secret.
      expect(codesOf(await as('platform-admin', ROTATE, { id: partner.partner.id }, cityA))).toEqual([
        'BAD_USER_INPUT',
      ]);
    });
  });

  it('both topics: one PREFIXED READ ACL on city.<tenant>. (both topics readable)', async () => {
    const p = await create('platform-admin', cityB, `lake ${run}`, ['TELEMETRY', 'EVENTS']);
    const acls = await describePrincipalAcls(platform, scramPrincipal(p.partner.username));
    expect(acls.filter((a) => a.resourceType === 'TOPIC')).toEqual([
      expect.objectContaining({ resourceName: `city.${cityB}.`, patternType: 'PREFIXED', operation: 'READ' }),
    ]);
    const message = await consumeOne(p.partner.username, p.secret, cityB, `${p.partner.username}-1`);
    expect(message.payload).toEqual({ id: `m-${cityB}`, city: cityB });
  });

  describe('who may manage partners', () => {
    let lyonPartner: Created;

    beforeAll(async () => {
      lyonPartner = await create('lyon-admin', 'lyon', `lyon mobility ${run}`, ['EVENTS']);
    });

    it("a city admin manages its own city's partners", async () => {
      expect(lyonPartner.partner.topics).toEqual(['EVENTS']);
      const list = await as<{ partners: PartnerOut[] }>('lyon-admin', LIST);
      expect(list.data!.partners.map((p) => p.id)).toContain(lyonPartner.partner.id);
      const rotated = await as<{ rotatePartnerSecret: Created }>('lyon-admin', ROTATE, {
        id: lyonPartner.partner.id,
      });
      expect(rotated.errors).toEqual([]);
    });

    it("another city's admin gets the same answer as for a partner that does not exist", async () => {
      const other = await as('porto-admin', ROTATE, { id: lyonPartner.partner.id });
      const none = await as('porto-admin', ROTATE, { id: randomUUID() });
      expect(codesOf(other)).toEqual(['NOT_FOUND']);
      expect(other.errors[0]!.message).toBe(none.errors[0]!.message);
      expect(codesOf(await as('porto-admin', REVOKE, { id: lyonPartner.partner.id }))).toEqual(['NOT_FOUND']);
      const list = await as<{ partners: PartnerOut[] }>('porto-admin', LIST);
      expect(list.data!.partners.map((p) => p.id)).not.toContain(lyonPartner.partner.id);
      // still active: porto's admin changed nothing
      const mine = await as<{ partners: PartnerOut[] }>('lyon-admin', LIST);
      expect(mine.data!.partners.find((p) => p.id === lyonPartner.partner.id)?.revokedAt).toBeNull();
    });

    it.each(['lyon-viewer', 'lyon-operator', 'lyon-utility-water'] as const)(
      '%s is refused (FORBIDDEN)',
      async (user) => {
        expect(codesOf(await as(user, LIST))).toEqual(['FORBIDDEN']);
        expect(
          codesOf(await as(user, CREATE, { input: { name: `x ${run}`, topics: ['TELEMETRY'] } })),
        ).toEqual(['FORBIDDEN']);
        expect(codesOf(await as(user, REVOKE, { id: lyonPartner.partner.id }))).toEqual(['FORBIDDEN']);
      },
    );

    it('refuses a name already used by an active partner, and no topic', async () => {
      expect(
        codesOf(
          await as('lyon-admin', CREATE, { input: { name: `lyon mobility ${run}`, topics: ['TELEMETRY'] } }),
        ),
      ).toEqual(['BAD_USER_INPUT']);
      expect(codesOf(await as('lyon-admin', CREATE, { input: { name: `y ${run}`, topics: [] } }))).toEqual([
        'BAD_USER_INPUT',
      ]);
    });

    it('revocation by the city admin deletes the Kafka user and its ACLs', async () => {
      const res = await as<{ revokePartner: PartnerOut }>('lyon-admin', REVOKE, {
        id: lyonPartner.partner.id,
      });
      expect(res.errors).toEqual([]);
      await expect(
        describePrincipalAcls(platform, scramPrincipal(lyonPartner.partner.username)),
      ).resolves.toEqual([]);
    });
  });
});
