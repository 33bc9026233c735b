import { randomBytes } from 'node:crypto';
import { createLogger } from '@smartcity/platform-observability';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  ResourcePatternTypes,
} from 'kafkajs';
import { KafkaClient } from './kafka-client';
import { ScramCredentialsError, alterScramCredentials } from './scram-credentials';
import { deletePrincipalAcls, scramPrincipal } from './scram-principal-acls';

/** The local stack: platform listener 9092 (admin), partner listener 9094 (SASL/SCRAM-SHA-512, deploy/local). */
const PLATFORM = ['127.0.0.1:9092'];
const PARTNER = ['127.0.0.1:9094'];

async function partnerCanConnect(username: string, password: string): Promise<true | string> {
  const admin = new Kafka({
    clientId: 'scram-int-test',
    brokers: PARTNER,
    sasl: { mechanism: 'scram-sha-512', username, password },
    logLevel: 0,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    return true;
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  } finally {
    await admin.disconnect();
  }
}

describe('AlterUserScramCredentials against the local broker', () => {
  const run = randomBytes(4).toString('hex');
  const user = `scram-test-${run}`;
  const client = new KafkaClient({
    clientId: `scram-test-${run}`,
    brokers: PLATFORM,
    logger: createLogger({ app: 'scram-int-test', level: 'silent' }),
  });

  afterAll(async () => {
    await alterScramCredentials(client, { delete: [user], ignoreMissing: true });
  });

  it('creates a user the partner listener authenticates, replaces its password, deletes it', async () => {
    await alterScramCredentials(client, { upsert: [{ user, password: 'first-secret' }] });
    await expect(partnerCanConnect(user, 'first-secret')).resolves.toBe(true);
    await expect(partnerCanConnect(user, 'wrong')).resolves.toMatch(/SASL.*authentication failed/i);

    await alterScramCredentials(client, { upsert: [{ user, password: 'second-secret', iterations: 4096 }] });
    await expect(partnerCanConnect(user, 'second-secret')).resolves.toBe(true);
    await expect(partnerCanConnect(user, 'first-secret')).resolves.toMatch(/SASL.*authentication failed/i);

    await alterScramCredentials(client, { delete: [user] });
    await expect(partnerCanConnect(user, 'second-secret')).resolves.toMatch(/SASL.*authentication failed/i);
  });

  it('surfaces per-user errors: deleting a user that does not exist is RESOURCE_NOT_FOUND', async () => {
    const missing = `scram-missing-${run}`;
    const err = await alterScramCredentials(client, { delete: [missing] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScramCredentialsError);
    expect((err as ScramCredentialsError).failures).toEqual([
      expect.objectContaining({ user: missing, errorCode: 91, errorName: 'RESOURCE_NOT_FOUND' }),
    ]);
    await expect(
      alterScramCredentials(client, { delete: [missing], ignoreMissing: true }),
    ).resolves.toBeUndefined();
  });

  it('surfaces DUPLICATE_RESOURCE when one request changes the same credential twice', async () => {
    const err = await alterScramCredentials(client, {
      upsert: [
        { user, password: 'x-secret' },
        { user, password: 'y-secret' },
      ],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScramCredentialsError);
    expect((err as ScramCredentialsError).message).toMatch(/DUPLICATE_RESOURCE/);
  });

  it("authenticates its own connection with the client's SCRAM principal, which needs ALTER on the cluster", async () => {
    const adminUser = `scram-admin-${run}`;
    const target = `scram-target-${run}`;
    const logger = createLogger({ app: 'scram-int-test', level: 'silent' });
    const asAdmin = (password: string) =>
      new KafkaClient({
        clientId: `scram-admin-${run}`,
        brokers: PARTNER,
        logger,
        authentication: { sasl: { mechanism: 'scram-sha-512', username: adminUser, password } },
      });
    await alterScramCredentials(client, { upsert: [{ user: adminUser, password: 'admin-secret' }] });
    try {
      const refused = await alterScramCredentials(asAdmin('admin-secret'), {
        upsert: [{ user: target, password: 'target-secret' }],
      }).catch((e: unknown) => e);
      expect((refused as ScramCredentialsError).failures).toEqual([
        expect.objectContaining({ user: target, errorName: 'CLUSTER_AUTHORIZATION_FAILED' }),
      ]);

      const admin = client.kafka.admin();
      await admin.connect();
      await admin.createAcls({
        acl: [
          {
            resourceType: AclResourceTypes.CLUSTER,
            resourceName: 'kafka-cluster',
            resourcePatternType: ResourcePatternTypes.LITERAL,
            principal: scramPrincipal(adminUser),
            host: '*',
            operation: AclOperationTypes.ALTER,
            permissionType: AclPermissionTypes.ALLOW,
          },
        ],
      });
      await admin.disconnect();
      await alterScramCredentials(asAdmin('admin-secret'), {
        upsert: [{ user: target, password: 'target-secret' }],
      });
      await expect(partnerCanConnect(target, 'target-secret')).resolves.toBe(true);

      await expect(
        alterScramCredentials(asAdmin('wrong'), { delete: [target], ignoreMissing: true }),
      ).rejects.toThrow(/SASL authentication failed: SASL_AUTHENTICATION_FAILED/);
    } finally {
      await deletePrincipalAcls(client, scramPrincipal(adminUser));
      await alterScramCredentials(client, { delete: [adminUser, target], ignoreMissing: true });
    }
  });

  it('refuses iterations outside the broker limits before sending', async () => {
    await expect(
      alterScramCredentials(client, { upsert: [{ user, password: 'p', iterations: 1000 }] }),
    ).rejects.toThrow(RangeError);
  });
});
