import { randomUUID } from 'node:crypto';
import {
  downlinkContract,
  type DownlinkResult,
  downlinkResultContract,
  deviceKey,
  TOPICS,
} from '@smartcity/platform-contracts';
import { type KafkaClient, KafkaConsumer, KafkaProducer } from '@smartcity/platform-kafka';

/** How long a chaos command may wait for its device (ms): past it the ingest reports it expired, never sends it. */
export const COMMAND_DEADLINE_MS = 120_000;

/**
 * Device commands during the run, as the gateway publishes them (lwm2m.downlink.v1): an Execute of /3/0/4 whose
 * argument is the command id, so the device counts executions per command. Their outcomes are read back from
 * lwm2m.downlink-result.v1.
 */
export class CommandDriver {
  readonly issued = new Map<string, { endpoint: string; deadline: number }>();
  /** Command id -> final status ('sent' is intermediate and not kept). */
  readonly outcomes = new Map<string, DownlinkResult['status']>();
  private readonly producer: KafkaProducer;
  private readonly results: KafkaConsumer;
  /** Commands whose publish was not acknowledged: Kafka may have them or not (the producer's timeout). */
  readonly uncertain = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    kafka: KafkaClient,
    private readonly tenant: string,
    private readonly endpoints: () => string[],
  ) {
    this.producer = new KafkaProducer(kafka, { sendTimeoutMs: 10_000 });
    this.results = new KafkaConsumer(kafka, {
      groupId: `chaos-results-${tenant}`,
      topics: [TOPICS.downlinkResult],
      fromBeginning: true,
    });
  }

  async start(perSecond: number): Promise<void> {
    await this.producer.connect();
    void this.results
      .start(async (batch, control) => {
        for (const m of batch.messages) {
          try {
            const r = downlinkResultContract.decode(m.value);
            if (r.status !== 'sent' && this.issued.has(r.id)) this.outcomes.set(r.id, r.status);
          } catch {
            // not ours
          }
          control.markDone(m.offset);
        }
      })
      .catch(() => undefined);
    if (perSecond <= 0) return;
    this.timer = setInterval(() => void this.issue(), 1000 / perSecond);
  }

  /** Stops issuing; outcomes keep coming in until close(). */
  stopIssuing(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Commands without a final outcome yet whose deadline (plus a margin for the sweep) has not passed. */
  open(now = Date.now()): number {
    let n = 0;
    for (const [id, c] of this.issued) if (!this.outcomes.has(id) && now < c.deadline + 15_000) n++;
    return n;
  }

  async close(): Promise<void> {
    this.stopIssuing();
    await this.results.stop().catch(() => undefined);
    await this.producer.close().catch(() => undefined);
  }

  private async issue(): Promise<void> {
    const endpoints = this.endpoints();
    const endpoint = endpoints[Math.floor(Math.random() * endpoints.length)];
    if (!endpoint) return;
    const id = randomUUID();
    const now = Date.now();
    const deadline = now + COMMAND_DEADLINE_MS;
    this.issued.set(id, { endpoint, deadline });
    try {
      await this.producer.sendTyped(TOPICS.downlink, downlinkContract, [
        {
          key: deviceKey(this.tenant, endpoint),
          value: {
            v: 1,
            id,
            tenant: this.tenant,
            endpoint,
            operation: { op: 'execute', path: '/3/0/4', arguments: `0='${id}'` },
            issuedAt: now,
            deadline,
          },
        },
      ]);
    } catch {
      // Kafka down (a fault): the gateway would answer the mutation with an error; the record may exist anyway.
      this.uncertain.add(id);
    }
  }
}
