import { createLogger } from '@smartcity/platform-observability';
import { Registry } from 'prom-client';
import { DecoderError, DecoderErrorCode } from './decoder.errors';
import { createDecoderMetrics } from './decoder.metrics';
import { type DeadLetter } from './delivery/dead-letter';
import { RetryPolicy } from './delivery/retry-policy';
import { type TenantPartnerMessages } from './publish/partner-publisher';
import { type DecodedUplink } from './uplink/decoded-uplink';
import { type PipelineDeps, type PipelineItem, UplinkPipeline } from './uplink-pipeline';
import { emptyColumns } from './write/telemetry.sql';
import { type TenantBatch, type TenantWriteResult } from './write/batch-writer';

const D1 = '00000000-0000-4000-8000-000000000001';

function dataItem(tenant: string, offset: number): PipelineItem {
  const origin = { topic: 'lwm2m.uplink.v1', partition: 0, offset: String(offset) };
  const decoded: DecodedUplink = {
    kind: 'data',
    origin,
    message: {
      v: 1,
      id: `m${offset}`,
      kind: 'send',
      tenant,
      endpoint: 'ep',
      deviceId: D1,
      registrationId: 'r',
      instanceId: 'i',
      receivedAt: 1000 * offset,
      objectVersions: {},
      contentFormat: 110,
      payload: '',
    },
    values: [
      {
        timeSec: offset,
        path: '/3303/0/5700',
        metric: 'm',
        valueNum: offset,
        valueBool: null,
        valueText: null,
        valueJson: null,
        unit: null,
        quality: null,
      },
    ],
    alarms: [],
  };
  return { origin, key: `${tenant}/ep`, value: Buffer.from('{}'), headers: {}, decoded };
}

function poisonItem(offset: number): PipelineItem {
  return {
    origin: { topic: 'lwm2m.uplink.v1', partition: 0, offset: String(offset) },
    key: 'x/ep',
    value: Buffer.from('{bad'),
    headers: {},
    error: new DecoderError(DecoderErrorCode.ContractViolation, 'not JSON'),
  };
}

const okResult = (batch: TenantBatch): TenantWriteResult => ({
  tenant: batch.tenant,
  valuesWritten: batch.uplinks.reduce((n, u) => n + (u.kind === 'data' ? u.values.length : 0), 0),
  latest: emptyColumns(),
  stateChanged: new Set(),
  alarms: [],
  events: 0,
});

function setup(
  write: (batch: TenantBatch) => Promise<TenantWriteResult>,
  overrides: Partial<PipelineDeps> = {},
) {
  const writes: TenantBatch[] = [];
  const letters: DeadLetter[] = [];
  const published: TenantPartnerMessages[][] = [];
  const sleeps: number[] = [];
  const kicks: number[] = [];
  let running = true;
  const deps: PipelineDeps = {
    decode: () => {
      throw new Error('not used');
    },
    writer: {
      writeTenant: (b) => {
        writes.push(b);
        return write(b);
      },
    },
    partners: {
      publish: async (b) => {
        published.push([...b]);
        return b.length;
      },
    },
    live: { publish: async () => undefined },
    outbox: { kick: () => kicks.push(1) },
    deadLetters: {
      send: async (l) => {
        letters.push(...l);
      },
    },
    retry: new RetryPolicy({ maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 }),
    metrics: createDecoderMetrics(new Registry()),
    logger: createLogger({ app: 'test', level: 'silent' }),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    isRunning: () => running,
    writeConcurrency: 2,
    ...overrides,
  };
  return {
    pipeline: new UplinkPipeline(deps),
    writes,
    letters,
    published,
    sleeps,
    kicks,
    stop: () => (running = false),
  };
}

describe('UplinkPipeline', () => {
  it('dead-letters an undecodable message at once and stores the others of the batch', async () => {
    const t = setup(async (b) => okResult(b));
    await t.pipeline.flush([dataItem('lyon', 1), poisonItem(2), dataItem('lyon', 3)]);
    expect(t.writes).toHaveLength(1);
    expect(t.writes[0]!.uplinks.map((u) => u.origin.offset)).toEqual(['1', '3']);
    expect(t.letters.map((l) => [l.origin.offset, l.attempts])).toEqual([['2', 1]]);
    expect(t.published[0]![0]!.telemetry).toHaveLength(2);
  });

  it('writes each tenant in its own transaction', async () => {
    const t = setup(async (b) => okResult(b));
    await t.pipeline.flush([dataItem('lyon', 1), dataItem('porto', 2), dataItem('lyon', 3)]);
    expect(t.writes.map((w) => [w.tenant, w.uplinks.length]).sort()).toEqual([
      ['lyon', 2],
      ['porto', 1],
    ]);
  });

  it('isolates a message the database rejects: the others are stored, it is dead-lettered after its attempts', async () => {
    const rejecting = (b: TenantBatch) => b.uplinks.some((u) => u.origin.offset === '2');
    const t = setup(async (b) => {
      if (rejecting(b))
        throw Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' });
      return okResult(b);
    });
    await t.pipeline.flush([dataItem('lyon', 1), dataItem('lyon', 2), dataItem('lyon', 3)]);
    const singleWrites = t.writes.slice(1).map((w) => w.uplinks.map((u) => u.origin.offset).join(','));
    expect(singleWrites).toEqual(['1', '2', '2', '2', '3']);
    expect(t.letters).toHaveLength(1);
    expect(t.letters[0]).toMatchObject({ attempts: 3, origin: { offset: '2' } });
    expect((t.letters[0]!.error as DecoderError).code).toBe(DecoderErrorCode.StorageRejected);
  });

  it('retries the whole batch while the database is unavailable, dead-lettering nothing', async () => {
    let failures = 3;
    const t = setup(async (b) => {
      if (failures-- > 0) throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
      return okResult(b);
    });
    await t.pipeline.flush([dataItem('lyon', 1)]);
    expect(t.writes).toHaveLength(4);
    expect(t.sleeps).toEqual([10, 20, 40]);
    expect(t.letters).toEqual([]);
  });

  it('retries when the partner topics do not acknowledge, so offsets are never committed before they do', async () => {
    let failures = 1;
    const t = setup(async (b) => okResult(b), {
      partners: {
        publish: async () => {
          if (failures-- > 0) throw new Error('KAFKA_UNAVAILABLE');
          return 1;
        },
      },
    });
    await t.pipeline.flush([dataItem('lyon', 1)]);
    expect(t.writes).toHaveLength(2);
  });

  it('wakes the outbox relay when a tenant transaction wrote events, and publishes no event itself', async () => {
    const t = setup(async (b) => ({ ...okResult(b), events: b.tenant === 'lyon' ? 2 : 0 }));
    await t.pipeline.flush([dataItem('porto', 1)]);
    expect(t.kicks).toHaveLength(0);
    await t.pipeline.flush([dataItem('lyon', 2), dataItem('porto', 3)]);
    expect(t.kicks).toHaveLength(1);
    expect(t.published.flat().map((b) => Object.keys(b).sort())).toEqual([
      ['telemetry', 'tenant'],
      ['telemetry', 'tenant'],
      ['telemetry', 'tenant'],
    ]);
  });

  it('gives up with an error once the decoder is stopping, so the batch is not committed', async () => {
    const t = setup(async () => {
      throw Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
      });
    });
    t.stop();
    await expect(t.pipeline.flush([dataItem('lyon', 1)])).rejects.toMatchObject({
      code: DecoderErrorCode.Unavailable,
    });
  });
});
