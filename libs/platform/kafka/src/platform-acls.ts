import { CITY_TOPIC_PREFIX, TOPICS } from '@smartcity/platform-contracts';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { type KafkaClient } from './kafka-client';

/**
 * What each platform service may do on the brokers, as data: the ALLOW ACLs of its own SASL principal (no super
 * user in any app's configuration). Kafka's authorizer (StandardAuthorizer in KRaft, KIP-801) denies everything
 * else. READ, WRITE, CREATE, DELETE and ALTER each imply DESCRIBE on the same resource; WRITE on a topic implies the
 * idempotent producer's InitProducerId (KIP-679), so no CLUSTER grant is needed for producing.
 *
 * Operations per Kafka API (docs "Authorization and ACLs"): Produce WRITE topic; Fetch READ topic; JoinGroup,
 * SyncGroup, OffsetCommit, OffsetFetch READ group; CreateTopics CREATE topic; CreatePartitions ALTER topic;
 * DeleteTopics DELETE topic; CreateAcls/DeleteAcls ALTER cluster, DescribeAcls DESCRIBE cluster;
 * AlterUserScramCredentials ALTER cluster.
 */
export type PlatformService = 'coap-ingest' | 'decoder' | 'gateway';

export interface PlatformAcl {
  readonly resource: 'topic' | 'group' | 'cluster';
  /** Topic or group name (or prefix); `kafka-cluster` for the cluster. */
  readonly name: string;
  readonly pattern: 'literal' | 'prefixed';
  readonly operation: 'read' | 'write' | 'create' | 'delete' | 'alter' | 'describe';
}

/** The names a deployment (or a test run) uses; defaults are the platform's own (its apps' config defaults). */
export interface PlatformNames {
  readonly uplink: string;
  readonly uplinkDlq: string;
  readonly downlink: string;
  readonly downlinkResult: string;
  /** Prefix of the per-city partner topics, `city.`. */
  readonly cityPrefix: string;
  /** Consumer group ids (or their prefix) of each consuming service. */
  readonly ingestDownlinkGroup: string;
  readonly decoderGroup: string;
  readonly gatewayResultGroup: string;
}

export const PLATFORM_NAMES: PlatformNames = {
  uplink: TOPICS.uplink,
  uplinkDlq: TOPICS.uplinkDlq,
  downlink: TOPICS.downlink,
  downlinkResult: TOPICS.downlinkResult,
  cityPrefix: CITY_TOPIC_PREFIX,
  ingestDownlinkGroup: 'coap-ingest-downlink',
  decoderGroup: 'decoder',
  gatewayResultGroup: 'gateway-command-results',
};

const topic = (name: string, ...operations: PlatformAcl['operation'][]): PlatformAcl[] =>
  operations.map((operation) => ({ resource: 'topic', name, pattern: 'literal', operation }));
const topicPrefix = (name: string, ...operations: PlatformAcl['operation'][]): PlatformAcl[] =>
  operations.map((operation) => ({ resource: 'topic', name, pattern: 'prefixed', operation }));
const group = (name: string): PlatformAcl => ({
  resource: 'group',
  name,
  pattern: 'literal',
  operation: 'read',
});
const cluster = (...operations: PlatformAcl['operation'][]): PlatformAcl[] =>
  operations.map((operation) => ({
    resource: 'cluster',
    name: 'kafka-cluster',
    pattern: 'literal',
    operation,
  }));

/** The ACLs of one service's principal. Creating and growing topics: each app ensures the topics it uses. */
export function platformServiceAcls(
  service: PlatformService,
  names: PlatformNames = PLATFORM_NAMES,
): PlatformAcl[] {
  switch (service) {
    case 'coap-ingest':
      return [
        // Uplinks out (it creates the topic when it is missing).
        ...topic(names.uplink, 'write', 'create', 'alter'),
        // Downlink requests in, outcomes out.
        ...topic(names.downlink, 'read', 'create', 'alter'),
        group(names.ingestDownlinkGroup),
        ...topic(names.downlinkResult, 'write', 'create', 'alter'),
      ];
    case 'decoder':
      return [
        ...topic(names.uplink, 'read', 'create', 'alter'),
        group(names.decoderGroup),
        ...topic(names.uplinkDlq, 'write', 'create', 'alter'),
        // The cities' partner topics (telemetry, events), all tenants: it decodes every city's uplinks.
        ...topicPrefix(names.cityPrefix, 'write'),
      ];
    case 'gateway':
      return [
        ...topic(names.downlink, 'write', 'create', 'alter'),
        ...topic(names.downlinkResult, 'read', 'create', 'alter'),
        group(names.gatewayResultGroup),
        // A city's topics are created with the city and deleted with it; command events go to its events topic.
        ...topicPrefix(names.cityPrefix, 'create', 'delete', 'alter', 'write'),
        // Partner management: SCRAM users and their ACLs (ALTER cluster is what CreateAcls and
        // AlterUserScramCredentials require; no finer grant exists in Kafka).
        ...cluster('alter', 'describe'),
      ];
  }
}

const RESOURCE = {
  topic: AclResourceTypes.TOPIC,
  group: AclResourceTypes.GROUP,
  cluster: AclResourceTypes.CLUSTER,
} as const;
const OPERATION = {
  read: AclOperationTypes.READ,
  write: AclOperationTypes.WRITE,
  create: AclOperationTypes.CREATE,
  delete: AclOperationTypes.DELETE,
  alter: AclOperationTypes.ALTER,
  describe: AclOperationTypes.DESCRIBE,
} as const;

/** Creates the ALLOW ACLs for `principal` (`User:<name>`); creating an existing ACL again changes nothing. */
export async function grantPlatformAcls(
  client: KafkaClient,
  principal: string,
  acls: readonly PlatformAcl[],
): Promise<void> {
  const admin = client.kafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({
      acl: acls.map((a) => ({
        principal,
        host: '*',
        resourceType: RESOURCE[a.resource],
        resourceName: a.name,
        resourcePatternType:
          a.pattern === 'prefixed' ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
        operation: OPERATION[a.operation],
        permissionType: AclPermissionTypes.ALLOW,
      })),
    });
  } finally {
    await admin.disconnect();
  }
}
