import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { DecoderHarness } from './testing/decoder-harness';
import { registration, senmlSend, senmlSeries } from './testing/uplinks';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '..', '..', '..');

/** Runs the real decoder process (apps/decoder/src/main.ts), as deployed. */
function spawnDecoder(h: DecoderHarness, group: string): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    LOG_LEVEL: 'warn',
    OPS_PORT: '0',
    DECODER_UPLINK_TOPIC: h.uplinkTopic,
    DECODER_DLQ_TOPIC: h.dlqTopic,
    DECODER_UPLINK_PARTITIONS: '4',
    PARTNER_TOPIC_PARTITIONS: '1',
    DECODER_GROUP_ID: group,
    DECODER_JOBS_ENABLED: 'false',
    DECODER_BATCH_MAX_VALUES: '2000',
    DECODER_BATCH_LINGER_MS: '5',
  };
  const child = spawn(process.execPath, ['-r', './tools/register.js', 'apps/decoder/src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[decoder ${child.pid}] ${d.toString()}`));
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

describe('decoder killed with SIGKILL in the middle of a batch', () => {
  const h = new DecoderHarness();
  const tenant = h.tenant('crash');
  afterAll(() => h.cleanup());

  it('loses nothing and duplicates nothing after a restart', async () => {
    await h.createTenant(tenant);
    await h.createTopics(4);
    const devices = await Promise.all(Array.from({ length: 40 }, (_, i) => h.createDevice(tenant, `d${i}`)));
    // 75 Sends x 20 values a minute apart span 25 hours: they start two days back so that none lies in the future
    // (device times beyond DECODER_TIME_MAX_FUTURE_S are replaced by the receive time).
    const t0 = Math.floor(Date.now() / 1000) - 2 * 86_400;
    const messages = [];
    for (const d of devices) messages.push(registration(d));
    // 40 devices x 75 Sends x 20 values = 60,000 values, each (device, path, time) distinct.
    for (let s = 0; s < 75; s++) {
      for (const d of devices)
        messages.push(senmlSend(d, senmlSeries('/3303/0/5700', t0 + s * 20 * 60, 20, 60)));
    }
    await h.produce(messages);
    const expected = devices.length * 75 * 20;
    const group = `test-decoder-crash-${h.run}`;
    const count = () => h.count('SELECT count(*) AS n FROM telemetry WHERE tenant_id = $1', [tenant]);

    const first = spawnDecoder(h, group);
    const atKill = await h.waitFor(count, (n) => n > 0, 60_000);
    first.kill('SIGKILL');
    await exited(first);
    const afterKill = await count();
    expect(afterKill).toBeLessThan(expected); // it really died mid-stream

    const second = spawnDecoder(h, group);
    try {
      await h.waitFor(count, (n) => n >= expected, 120_000);
      await h.waitFor(
        () => h.lag(group),
        (lag) => lag === 0,
        60_000,
      );
    } finally {
      second.kill('SIGTERM');
      await exited(second);
    }
    expect(atKill).toBeGreaterThan(0);
    expect(await count()).toBe(expected);
    expect(
      await h.count(
        'SELECT count(*) AS n FROM (SELECT device_id, path, time FROM telemetry WHERE tenant_id = $1 GROUP BY 1, 2, 3 HAVING count(*) > 1) d',
        [tenant],
      ),
    ).toBe(0);
    expect(await h.count('SELECT count(*) AS n FROM registrations WHERE tenant_id = $1', [tenant])).toBe(
      devices.length,
    );
    expect(await h.count('SELECT count(*) AS n FROM device_state WHERE tenant_id = $1', [tenant])).toBe(
      devices.length,
    );
    // Every device's latest state is its newest value, whatever the crash interleaving was.
    expect(
      await h.count(
        `SELECT count(*) AS n FROM device_state s
         WHERE s.tenant_id = $1 AND s.time = (SELECT max(time) FROM telemetry t WHERE t.device_id = s.device_id)`,
        [tenant],
      ),
    ).toBe(devices.length);
  });
});
