import { Inject, Injectable } from '@nestjs/common';
import {
  type KafkaClient,
  alterScramCredentials,
  deletePrincipalAcls,
  grantReadAcls,
  scramPrincipal,
} from '@smartcity/platform-kafka';
import { KAFKA_CLIENT } from '../gateway.tokens';
import { type PartnerTopic, topicGrants } from './partner-topics';

/**
 * The Kafka side of a partner, through the platform's admin connection (KAFKA_BROKERS, not the partner listener):
 * its SCRAM-SHA-512 user (AlterUserScramCredentials, KIP-554) and its READ ACLs (topics chosen; groups prefixed
 * with the username). Every operation is idempotent, so a retry after a partial failure converges.
 */
@Injectable()
export class PartnerBroker {
  constructor(@Inject(KAFKA_CLIENT) private readonly kafka: KafkaClient) {}

  /** Creates (or replaces) the user and exactly the ACLs of `topics`; on failure nothing is left behind. */
  async provision(
    username: string,
    secret: string,
    tenant: string,
    topics: readonly PartnerTopic[],
  ): Promise<void> {
    try {
      await alterScramCredentials(this.kafka, { upsert: [{ user: username, password: secret }] });
      const principal = scramPrincipal(username);
      await deletePrincipalAcls(this.kafka, principal);
      await grantReadAcls(this.kafka, {
        principal,
        topics: topicGrants(tenant, topics),
        groupPrefix: username,
      });
    } catch (err) {
      await this.revoke(username).catch(() => undefined);
      throw err;
    }
  }

  /** Replaces the user's credential: the previous secret stops authenticating new connections at once. */
  async setSecret(username: string, secret: string): Promise<void> {
    await alterScramCredentials(this.kafka, { upsert: [{ user: username, password: secret }] });
  }

  /**
   * Deletes the user (no new connection authenticates) then its ACLs (connections already authenticated lose
   * access to the topics and groups at their next request).
   */
  async revoke(username: string): Promise<void> {
    await alterScramCredentials(this.kafka, { delete: [username], ignoreMissing: true });
    await deletePrincipalAcls(this.kafka, scramPrincipal(username));
  }
}
