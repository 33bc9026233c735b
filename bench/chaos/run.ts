/**
 * The chaos run: `npm run chaos -- [options]` (a command that prints figures; exits non-zero when any count is off).
 * See bench/chaos/README.md. `--profile ci` is the short variant test/chaos runs inside `npm test`.
 */
import { type ChaosOptions, type ChaosResult, runChaos } from './chaos-run';
import { type FaultProfile } from './faults';

const PROFILES: Record<'full' | 'ci', ChaosOptions> = {
  full: {
    minutes: 15,
    rate: 1000,
    devices: 200,
    faults: 'all',
    commandsPerSecond: 2,
    pgPauseS: 60,
    decoderKillEveryS: 30,
    keep: false,
  },
  ci: {
    minutes: 2,
    rate: 100,
    devices: 40,
    faults: 'ci',
    commandsPerSecond: 1,
    pgPauseS: 10,
    decoderKillEveryS: 30,
    keep: false,
  },
};

function parse(argv: string[]): ChaosOptions {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const profile = get('profile') ?? 'full';
  if (profile !== 'full' && profile !== 'ci') throw new Error('--profile full|ci');
  const base = PROFILES[profile];
  const num = (name: string, fallback: number) => {
    const v = get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!(n >= 0)) throw new Error(`--${name} must be a non-negative number`);
    return n;
  };
  const faults = (get('faults') ?? base.faults) as FaultProfile;
  if (!['all', 'ci', 'none'].includes(faults)) throw new Error('--faults all|ci|none');
  const rate = num('rate', base.rate);
  return {
    minutes: num('minutes', base.minutes),
    rate,
    // The ingest allows 10 messages/s per endpoint (RATE_ENDPOINT_PER_S): 5/s each leaves room for catch-up.
    devices: num('devices', get('rate') !== undefined ? Math.max(20, Math.ceil(rate / 5)) : base.devices),
    faults,
    commandsPerSecond: num('commands', base.commandsPerSecond),
    pgPauseS: num('pg-pause', base.pgPauseS),
    decoderKillEveryS: num('decoder-kill-every', base.decoderKillEveryS),
    keep: argv.includes('--keep'),
  };
}

function report(r: ChaosResult, say: (line: string) => void): void {
  const a = r.audit;
  say('');
  say(
    `acknowledged ${a.rows.acknowledged}, stored ${a.rows.storedRows}, lost ${a.rows.lost}, ` +
      `duplicated ${a.rows.duplicatedByKey + a.rows.duplicatedByValue}`,
  );
  say(
    `  rows: ${a.rows.expectedRows} expected from the acknowledged messages (2 values each), ${a.rows.storedRows} stored ` +
      `(the rest: messages stored but not acknowledged before the end), duplicates by unique key ${a.rows.duplicatedByKey}, ` +
      `by value identity ${a.rows.duplicatedByValue}, unexpected ${a.rows.unexpected}, device states behind ${a.rows.stateBehind}`,
  );
  say(
    `  devices: ${r.devices.attempts} requests, ${r.devices.unavailable} answered 5.03/4.29 (retried after Max-Age), ` +
      `${r.devices.timeouts} exchanges timed out, ${r.devices.reregistered} re-registrations, ${r.devices.rejected} refused`,
  );
  say(
    `  events: ${a.events.alarmTransitions} alarm transitions and ${a.events.deviceEvents} registration events stored, ` +
      `${a.events.published} published (${a.events.distinct} distinct), missing ${a.events.missing}, unknown ` +
      `${a.events.unknown}, left in the outbox ${a.events.pendingInOutbox}`,
  );
  const c = a.commands;
  say(
    `  commands: ${c.issued} issued (and ${c.notAccepted} whose publish Kafka did not acknowledge, never seen again), executed once ${c.executedOnce}, more than once ${c.executedTwiceOrMore}, ` +
      `reported completed but never executed ${c.completedNotExecuted}, not executed ${c.notExecuted} ` +
      `(executed but reported otherwise ${c.executedButNotCompleted}), without outcome ${c.withoutOutcome}` +
      (c.withoutOutcome > 0 ? ` (issued at ${c.withoutOutcomeIssued.join(', ')}...)` : ''),
  );
  const failed = r.faults.filter((f) => f.error);
  say(
    `  faults: ${r.faults.length} (${summary(r.faults.map((f) => f.name.replace(/ #\d+$/, '')))})` +
      (failed.length
        ? `, ${failed.length} failed: ${failed.map((f) => `${f.name}: ${f.error}`).join('; ')}`
        : ''),
  );
  say(
    `  duration ${(r.durationS / 60).toFixed(1)} min; load average start ${r.load.start.toFixed(1)}, mean ` +
      `${r.load.mean.toFixed(1)}, max ${r.load.max.toFixed(1)}, end ${r.load.end.toFixed(1)}`,
  );
  if (r.crashes.length > 0) say(`  app exits the run did not cause (restarted): ${r.crashes.join('; ')}`);
  if (!r.drained) say('  the platform did not drain within the time allowed (see above)');
  say(passed(r) ? 'chaos run passed' : `chaos run FAILED (data and logs kept in ${r.dir})`);
}

function passed(r: ChaosResult): boolean {
  return r.audit.ok && r.drained && !r.faults.some((f) => f.error);
}

function summary(names: string[]): string {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts].map(([n, k]) => (k > 1 ? `${n} x${k}` : n)).join(', ');
}

async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(line + '\n');
  const result = await runChaos(parse(process.argv.slice(2)), say);
  report(result, say);
  process.exitCode = passed(result) ? 0 : 1;
}

// Interrupted (Ctrl-C, a CI timeout): exit through process.exit so the 'exit' hooks stop every process of the run.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`chaos run interrupted (${signal}): stopping its processes\n`);
    process.exit(130);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(
    `chaos run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
