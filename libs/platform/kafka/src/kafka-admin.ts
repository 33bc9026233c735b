import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { type KafkaClient } from './kafka-client';

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** 1 on the single-node local stack; 3 in production. */
  readonly replicationFactor?: number;
  readonly configs?: Readonly<Record<string, string>>;
}

/**
 * Creates the topics that do not exist yet and grows those with fewer partitions than asked (never
 * shrinks: Kafka cannot). Safe to call concurrently from several processes (auto topic creation is off on
 * the brokers, so each app ensures what it produces or consumes).
 */
export async function ensureTopics(client: KafkaClient, specs: readonly TopicSpec[]): Promise<void> {
  if (specs.length === 0) return;
  const admin = client.kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.partitions,
          replicationFactor: s.replicationFactor ?? 1,
          configEntries: Object.entries(s.configs ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    const present = specs.filter((s) => existing.has(s.topic));
    if (present.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: present.map((s) => s.topic) });
      const grow = present.filter((s) => {
        const current = metadata.topics.find((t) => t.name === s.topic)?.partitions.length ?? 0;
        return current < s.partitions;
      });
      if (grow.length > 0) {
        await admin.createPartitions({
          topicPartitions: grow.map((s) => ({ topic: s.topic, count: s.partitions })),
        });
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/** Deletes topics (tests clean up what they created). */
export async function deleteTopics(client: KafkaClient, topics: readonly string[]): Promise<void> {
  const admin = client.kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [...topics] });
  } finally {
    await admin.disconnect();
  }
}

/** Reads the high watermark of each partition of a topic, e.g. to start a test reader at "now". */
export async function topicEndOffsets(client: KafkaClient, topic: string): Promise<Map<number, string>> {
  const admin = client.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, o.high]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Deletes every ACL on topics under `prefix` (literal and prefixed patterns, any principal): a city's partner ACLs
 * `city.<tenant>.` when the city is deleted. A broker without an authorizer has no ACLs: 0, not an error.
 */
export async function deleteTopicAclsUnder(client: KafkaClient, prefix: string): Promise<number> {
  const admin = client.kafka.admin();
  await admin.connect();
  try {
    const result = await admin.deleteAcls({
      filters: [ResourcePatternTypes.PREFIXED, ResourcePatternTypes.LITERAL].map((resourcePatternType) => ({
        resourceType: AclResourceTypes.TOPIC,
        resourceName: prefix,
        resourcePatternType,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      })),
    });
    return result.filterResponses.reduce((n, r) => n + r.matchingAcls.length, 0);
  } catch (err) {
    if (/SECURITY_DISABLED|Security features are disabled/i.test(String((err as Error).message ?? err)))
      return 0;
    throw err;
  } finally {
    await admin.disconnect();
  }
}
