import { cityEventsTopic } from '@smartcity/platform-contracts';
import { type KafkaClient } from '@smartcity/platform-kafka';
import { type Pool } from 'pg';
import { COMMAND_DEADLINE_MS, type CommandDriver } from './commands';
import { type Fleet } from './fleet';

/** What the run counts at the end, once everything drained; `ok` is false when any count is off. */
export interface Audit {
  readonly rows: {
    acknowledged: number;
    expectedRows: number;
    storedRows: number;
    lost: number;
    duplicatedByKey: number;
    duplicatedByValue: number;
    unexpected: number;
    stateBehind: number;
  };
  readonly events: {
    alarmTransitions: number;
    deviceEvents: number;
    published: number;
    distinct: number;
    missing: number;
    unknown: number;
    pendingInOutbox: number;
  };
  readonly commands: {
    /** Publishes Kafka did not acknowledge, of commands never seen again: the gateway would have refused them. */
    notAccepted: number;
    issued: number;
    executedOnce: number;
    executedTwiceOrMore: number;
    completedNotExecuted: number;
    executedButNotCompleted: number;
    notExecuted: number;
    withoutOutcome: number;
    /** When the first few commands without an outcome were issued (ISO times), to set them against the faults. */
    withoutOutcomeIssued: string[];
  };
  readonly ok: boolean;
}

const TEMPERATURE = '/3303/0/5700';
const BATTERY = '/3411/0/6';

export async function audit(
  owner: Pool,
  kafka: KafkaClient,
  tenant: string,
  fleet: Fleet,
  commands: CommandDriver,
): Promise<Audit> {
  const rows = await auditRows(owner, tenant, fleet);
  const events = await auditEvents(owner, kafka, tenant);
  const cmd = auditCommands(fleet, commands);
  const ok =
    rows.lost === 0 &&
    rows.duplicatedByKey === 0 &&
    rows.duplicatedByValue === 0 &&
    rows.unexpected === 0 &&
    rows.stateBehind === 0 &&
    events.missing === 0 &&
    events.unknown === 0 &&
    events.pendingInOutbox === 0 &&
    cmd.executedTwiceOrMore === 0 &&
    cmd.completedNotExecuted === 0;
  return { rows, events, commands: cmd, ok };
}

async function auditRows(owner: Pool, tenant: string, fleet: Fleet): Promise<Audit['rows']> {
  const count = async (sql: string, params: unknown[] = [tenant]) =>
    Number((await owner.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);
  const storedRows = await count('SELECT count(*) AS n FROM telemetry WHERE tenant_id = $1');
  const duplicatedByKey = await count(
    `SELECT count(*) AS n FROM (SELECT 1 FROM telemetry WHERE tenant_id = $1
       GROUP BY device_id, path, time HAVING count(*) > 1) d`,
  );
  // Value identity: a reading's sequence number is its temperature value; two rows of one reading = a duplicate
  // whatever their times (e.g. an untimed retry stamped with a later receive time).
  const { rows: values } = await owner.query<[string, number, string]>({
    text: `SELECT d.endpoint, t.value_num, count(*) FROM telemetry t JOIN devices d ON d.id = t.device_id
           WHERE t.tenant_id = $1 AND t.path = $2 GROUP BY 1, 2`,
    values: [tenant, TEMPERATURE],
    rowMode: 'array',
  });
  const byDevice = new Map<string, Map<number, number>>();
  for (const [endpoint, seq, n] of values) {
    let m = byDevice.get(endpoint);
    if (!m) byDevice.set(endpoint, (m = new Map()));
    m.set(seq, Number(n));
  }
  const { rows: flags } = await owner.query<[string, string]>({
    text: `SELECT d.endpoint, count(*) FROM telemetry t JOIN devices d ON d.id = t.device_id
           WHERE t.tenant_id = $1 AND t.path = $2 GROUP BY 1`,
    values: [tenant, BATTERY],
    rowMode: 'array',
  });
  const flagRows = new Map(flags.map(([endpoint, n]) => [endpoint, Number(n)]));
  let acknowledged = 0;
  let lost = 0;
  let duplicatedByValue = 0;
  let unexpected = 0;
  for (const r of fleet.readings) {
    acknowledged += r.seqs.length;
    const stored = byDevice.get(r.endpoint) ?? new Map<number, number>();
    const acked = new Set(r.seqs);
    for (const seq of acked) if (!stored.has(seq)) lost++;
    // Each acknowledged reading has its battery row too (same time, other path).
    lost += Math.max(0, acked.size - (flagRows.get(r.endpoint) ?? 0));
    const produced = fleet.produced(r.endpoint);
    for (const [seq, n] of stored) {
      if (n > 1) duplicatedByValue += n - 1;
      if (!Number.isInteger(seq) || seq < 0 || seq >= produced) unexpected++;
    }
  }
  // The latest state of each device's temperature is its newest row, whatever the crash interleaving was.
  const stateBehind = await count(
    `SELECT count(*) AS n FROM device_state s WHERE s.tenant_id = $1 AND s.path = $2
       AND s.time < (SELECT max(time) FROM telemetry t WHERE t.device_id = s.device_id AND t.path = $2)`,
    [tenant, TEMPERATURE],
  );
  return {
    acknowledged,
    expectedRows: acknowledged * 2,
    storedRows,
    lost,
    duplicatedByKey,
    duplicatedByValue,
    unexpected,
    stateBehind,
  };
}

async function auditEvents(owner: Pool, kafka: KafkaClient, tenant: string): Promise<Audit['events']> {
  const { rows: alarms } = await owner.query<{ id: string; status: string }>(
    'SELECT id, status FROM alarms WHERE tenant_id = $1',
    [tenant],
  );
  const expected = new Set<string>();
  for (const a of alarms) {
    expected.add(`${a.id}:raised`);
    if (a.status === 'CLEARED') expected.add(`${a.id}:cleared`);
  }
  const alarmTransitions = expected.size;
  const { rows: regs } = await owner.query<{ message_id: string }>(
    'SELECT message_id FROM registrations WHERE tenant_id = $1',
    [tenant],
  );
  for (const r of regs) expected.add(r.message_id);
  const pendingInOutbox = Number(
    (
      await owner.query<{ n: string }>('SELECT count(*) AS n FROM event_outbox WHERE tenant_id = $1', [
        tenant,
      ])
    ).rows[0]?.n ?? 0,
  );
  const ids = await readAll(kafka, cityEventsTopic(tenant));
  const distinct = new Set(ids);
  let missing = 0;
  for (const id of expected) if (!distinct.has(id)) missing++;
  let unknown = 0;
  for (const id of distinct) if (!expected.has(id)) unknown++;
  return {
    alarmTransitions,
    deviceEvents: regs.length,
    published: ids.length,
    distinct: distinct.size,
    missing,
    unknown,
    pendingInOutbox,
  };
}

/** The event ids on a topic, from the beginning to its end offsets as they are now. */
async function readAll(kafka: KafkaClient, topic: string): Promise<string[]> {
  const admin = kafka.kafka.admin();
  await admin.connect();
  let ends: { partition: number; high: string }[];
  try {
    ends = (await admin.listTopics()).includes(topic) ? await admin.fetchTopicOffsets(topic) : [];
  } finally {
    await admin.disconnect();
  }
  const remaining = new Map(ends.filter((e) => e.high !== '0').map((e) => [e.partition, BigInt(e.high)]));
  const ids: string[] = [];
  if (remaining.size === 0) return ids;
  const consumer = kafka.kafka.consumer({ groupId: `chaos-audit-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${topic}: not read to its end within 120 s`)), 120_000);
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        ids.push((JSON.parse(message.value!.toString()) as { id: string }).id);
        const high = remaining.get(partition);
        if (high !== undefined && BigInt(message.offset) + 1n >= high) {
          remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        }
      },
    });
  });
  await consumer.disconnect();
  return ids;
}

function auditCommands(fleet: Fleet, commands: CommandDriver): Audit['commands'] {
  let executedOnce = 0;
  let executedTwiceOrMore = 0;
  let completedNotExecuted = 0;
  let executedButNotCompleted = 0;
  let notExecuted = 0;
  let withoutOutcome = 0;
  let notAccepted = 0;
  const withoutOutcomeIssued: string[] = [];
  for (const id of commands.issued.keys()) {
    const n = fleet.executions.get(id) ?? 0;
    const outcome = commands.outcomes.get(id);
    if (commands.uncertain.has(id) && n === 0 && outcome === undefined) {
      notAccepted++;
      continue;
    }
    if (n === 1) executedOnce++;
    else if (n > 1) executedTwiceOrMore++;
    else notExecuted++;
    if (outcome === undefined && ++withoutOutcome <= 5) {
      withoutOutcomeIssued.push(
        new Date(commands.issued.get(id)!.deadline - COMMAND_DEADLINE_MS).toISOString(),
      );
    }
    if (outcome === 'completed' && n === 0) completedNotExecuted++;
    if (n > 0 && outcome !== undefined && outcome !== 'completed') executedButNotCompleted++;
  }
  return {
    notAccepted,
    issued: commands.issued.size - notAccepted,
    executedOnce,
    executedTwiceOrMore,
    completedNotExecuted,
    executedButNotCompleted,
    notExecuted,
    withoutOutcome,
    withoutOutcomeIssued,
  };
}
