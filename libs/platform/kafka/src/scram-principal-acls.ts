import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { type KafkaClient } from './kafka-client';

/**
 * Read-only ACLs of one SCRAM principal (a partner), through the Kafka admin API (CreateAcls/DeleteAcls/DescribeAcls,
 * KIP-11; patterns KIP-290), checked by the brokers' authorizer (StandardAuthorizer in KRaft, KIP-801).
 *
 * Only ALLOW READ is ever granted: READ implies DESCRIBE on the same resource (Kafka's authorizer), which is all a
 * consumer needs (Metadata, ListOffsets: DESCRIBE topic; FindCoordinator: DESCRIBE group; JoinGroup, SyncGroup,
 * OffsetCommit, OffsetFetch, Fetch: READ). No WRITE, CREATE, DELETE, ALTER, nor anything on the cluster.
 */

export interface TopicGrant {
  /** A topic name (LITERAL) or a topic name prefix (PREFIXED). */
  readonly name: string;
  readonly prefixed: boolean;
}

export interface ReadGrant {
  /** `User:<name>`: the SASL/SCRAM username as the broker's principal builder names it. */
  readonly principal: string;
  readonly topics: readonly TopicGrant[];
  /** Consumer groups whose id starts with this (PREFIXED group ACL). */
  readonly groupPrefix: string;
}

export interface PrincipalAcl {
  readonly resourceType: 'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID' | 'DELEGATION_TOKEN' | 'OTHER';
  readonly resourceName: string;
  readonly patternType: 'LITERAL' | 'PREFIXED' | 'OTHER';
  readonly operation: string;
  readonly permission: 'ALLOW' | 'DENY' | 'OTHER';
  readonly host: string;
}

export function scramPrincipal(username: string): string {
  return `User:${username}`;
}

export async function grantReadAcls(client: KafkaClient, grant: ReadGrant): Promise<void> {
  const admin = client.kafka.admin();
  await admin.connect();
  try {
    const allowRead = { principal: grant.principal, host: '*', operation: AclOperationTypes.READ };
    await admin.createAcls({
      acl: [
        ...grant.topics.map((t) => ({
          ...allowRead,
          resourceType: AclResourceTypes.TOPIC,
          resourceName: t.name,
          resourcePatternType: t.prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
          permissionType: AclPermissionTypes.ALLOW,
        })),
        {
          ...allowRead,
          resourceType: AclResourceTypes.GROUP,
          resourceName: grant.groupPrefix,
          resourcePatternType: ResourcePatternTypes.PREFIXED,
          permissionType: AclPermissionTypes.ALLOW,
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

/** Deletes every ACL naming the principal, on any resource; returns how many there were. */
export async function deletePrincipalAcls(client: KafkaClient, principal: string): Promise<number> {
  const admin = client.kafka.admin();
  await admin.connect();
  try {
    const result = await admin.deleteAcls({
      filters: [
        {
          resourceType: AclResourceTypes.ANY,
          resourcePatternType: ResourcePatternTypes.ANY,
          principal,
          operation: AclOperationTypes.ANY,
          permissionType: AclPermissionTypes.ANY,
        },
      ],
    });
    return result.filterResponses.reduce((n, r) => n + r.matchingAcls.length, 0);
  } finally {
    await admin.disconnect();
  }
}

/** Every ACL naming the principal (for checks and tests). */
export async function describePrincipalAcls(client: KafkaClient, principal: string): Promise<PrincipalAcl[]> {
  const admin = client.kafka.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      principal,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    return resources.flatMap((r) =>
      r.acls.map((a) => ({
        resourceType: nameOf(RESOURCE_TYPES, r.resourceType),
        resourceName: r.resourceName,
        patternType: nameOf(PATTERN_TYPES, r.resourcePatternType),
        operation: nameOf(OPERATIONS, a.operation),
        permission: nameOf(PERMISSIONS, a.permissionType),
        host: a.host,
      })),
    );
  } finally {
    await admin.disconnect();
  }
}

const RESOURCE_TYPES = {
  [AclResourceTypes.TOPIC]: 'TOPIC',
  [AclResourceTypes.GROUP]: 'GROUP',
  [AclResourceTypes.CLUSTER]: 'CLUSTER',
  [AclResourceTypes.TRANSACTIONAL_ID]: 'TRANSACTIONAL_ID',
  [AclResourceTypes.DELEGATION_TOKEN]: 'DELEGATION_TOKEN',
} as const;
const PATTERN_TYPES = {
  [ResourcePatternTypes.LITERAL]: 'LITERAL',
  [ResourcePatternTypes.PREFIXED]: 'PREFIXED',
} as const;
const PERMISSIONS = { [AclPermissionTypes.ALLOW]: 'ALLOW', [AclPermissionTypes.DENY]: 'DENY' } as const;
const OPERATIONS: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(AclOperationTypes).map(([name, code]) => [code, name]),
);

function nameOf<T extends string>(table: Readonly<Record<number, T>>, code: number): T | 'OTHER' {
  return table[code] ?? 'OTHER';
}
