import { type Logger } from '@smartcity/platform-observability';
import { type Pool } from 'pg';
import { type DecoderConfig } from '../config/decoder.config';
import { type DecoderMetrics } from '../decoder.metrics';
import { withAdvisoryLock } from './advisory-lock';
import { CommunicationLossJob } from './communication-loss.job';
import { PeriodicJob } from './periodic-job';
import { RetentionJob } from './retention.job';
import { RollupJob } from './rollup.job';
import { WaterJob } from '../water/water.job';

/**
 * The decoder's background work: communication-loss alarms, hourly rollups, retention, water (issue 24). Each run takes a
 * PostgreSQL advisory lock so that, with several decoder instances, one instance runs each job at a time.
 * Alarm events go to the outbox with the alarms (`onEvents` wakes its relay).
 */
export class DecoderJobs {
  readonly communicationLoss: PeriodicJob;
  readonly rollup: PeriodicJob;
  readonly retention: PeriodicJob;
  readonly water: PeriodicJob;

  constructor(
    config: DecoderConfig,
    pool: Pool,
    metrics: DecoderMetrics,
    logger: Logger,
    onEvents: () => void,
  ) {
    const log = logger.child({ context: 'DecoderJobs' });
    const commLoss = new CommunicationLossJob(pool, config.DECODER_COMM_LOSS_GRACE_S);
    const rollup = new RollupJob(pool);
    const retention = new RetentionJob(pool);
    const water = new WaterJob(pool, logger, metrics.water);

    this.communicationLoss = new PeriodicJob(
      'communication-loss',
      config.DECODER_COMM_LOSS_INTERVAL_MS,
      async () => {
        await withAdvisoryLock(pool, 'decoder:communication-loss', async () => {
          const raised = await commLoss.run();
          if (raised.length === 0) return;
          metrics.alarmsRaised.inc(raised.length);
          onEvents();
          log.info({ alarms: raised.length }, 'communication-loss alarms raised');
        });
      },
      log,
    );
    this.rollup = new PeriodicJob(
      'rollup',
      config.DECODER_ROLLUP_INTERVAL_MS,
      async () => {
        const hours = await withAdvisoryLock(pool, 'decoder:rollup', () => rollup.run());
        if (hours) metrics.rollupHours.inc(hours);
      },
      log,
    );
    this.retention = new PeriodicJob(
      'retention',
      config.DECODER_RETENTION_INTERVAL_MS,
      async () => {
        const outcome = await withAdvisoryLock(pool, 'decoder:retention', () => retention.run());
        if (!outcome) return;
        metrics.retentionDeleted.inc(outcome.deletedRows);
        if (outcome.deletedRows > 0 || outcome.droppedChunks > 0) log.info(outcome, 'retention applied');
      },
      log,
    );
    this.water = new PeriodicJob(
      'water',
      config.DECODER_WATER_INTERVAL_MS,
      async () => {
        const outcome = await withAdvisoryLock(pool, 'decoder:water', () => water.run());
        if (outcome && outcome.alarms.length > 0) onEvents();
      },
      log,
    );
  }

  start(): void {
    this.communicationLoss.start();
    this.rollup.start();
    this.retention.start();
    this.water.start();
  }

  async stop(): Promise<void> {
    await Promise.all([
      this.communicationLoss.stop(),
      this.rollup.stop(),
      this.retention.stop(),
      this.water.stop(),
    ]);
  }
}
