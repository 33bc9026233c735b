import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPool, migrate } from '@smartcity/platform-db';
import { Kafka, logLevel } from 'kafkajs';
import { freeTcpPort } from '../pipeline/ports';

const ROOT = join(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** PostgreSQL binaries and Kafka jars that `npm run stack -- up` installed (deploy/local/versions.env). */
function stackVersions(): { pgBin: string; kafkaLibs: string } {
  const env = readFileSync(join(ROOT, 'deploy/local/versions.env'), 'utf8');
  const v = (k: string) => new RegExp(`^${k}=(.+)$`, 'm').exec(env)?.[1]?.trim() ?? '';
  return {
    pgBin: `/usr/lib/postgresql/${v('POSTGRES_MAJOR')}/bin`,
    kafkaLibs: join(ROOT, '.local/opt', `kafka-${v('KAFKA_VERSION')}`, 'libs'),
  };
}

/**
 * A PostgreSQL+TimescaleDB, Redis and Kafka of the chaos run's own (ports, data in a temporary folder), built from
 * what the local stack installed. Faults hit these processes only: the shared stack other people's tests use is
 * never paused, killed or restarted. The database gets the same roles, bootstrap and migrations as the shared one.
 */
export class PrivateStack {
  private kafka: ChildProcess | undefined;
  private redis: ChildProcess | undefined;
  private readonly bins = stackVersions();
  private readonly exitHook = () => this.killSync();

  private constructor(
    private readonly dir: string,
    private readonly ports: { kafka: number; controller: number; redis: number; postgres: number },
    private readonly log: (line: string) => void,
  ) {}

  get kafkaBrokers(): string {
    return `127.0.0.1:${this.ports.kafka}`;
  }
  get redisUrl(): string {
    return `redis://127.0.0.1:${this.ports.redis}`;
  }
  get databaseUrl(): string {
    return `postgres://smartcity_app:smartcity_app@127.0.0.1:${this.ports.postgres}/smartcity`;
  }
  get databaseOwnerUrl(): string {
    return `postgres://smartcity_owner:smartcity_owner@127.0.0.1:${this.ports.postgres}/smartcity`;
  }

  static async start(dir: string, log: (line: string) => void): Promise<PrivateStack> {
    const ports = {
      kafka: await freeTcpPort(),
      controller: await freeTcpPort(),
      redis: await freeTcpPort(),
      postgres: await freeTcpPort(),
    };
    const stack = new PrivateStack(dir, ports, log);
    process.once('exit', stack.exitHook);
    try {
      await Promise.all([stack.startPostgres(), stack.startRedis(), stack.startKafka(true)]);
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  /** Pids of every process of the PostgreSQL cluster (postmaster and its children). */
  postgresPids(): number[] {
    const pid = Number(readFileSync(join(this.pgData, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)])
      .toString()
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
    return [pid, ...children];
  }

  /** SIGSTOP of every PostgreSQL process for `ms`, then SIGCONT: the server hangs, connections stay open. */
  async pausePostgres(ms: number): Promise<void> {
    const pids = this.postgresPids();
    for (const p of pids) process.kill(p, 'SIGSTOP');
    try {
      await sleep(ms);
    } finally {
      for (const p of pids) process.kill(p, 'SIGCONT');
    }
  }

  /** Controlled broker shutdown (SIGTERM), then a start on the same log directory. */
  async restartKafka(): Promise<void> {
    await stopChild(this.kafka, 60_000);
    await this.startKafka(false);
  }

  /** SIGTERM (Redis saves its RDB snapshot on shutdown, as the local stack configures it), then a start. */
  async restartRedis(): Promise<void> {
    await stopChild(this.redis, 20_000);
    await this.startRedis();
  }

  async stop(): Promise<void> {
    process.removeListener('exit', this.exitHook);
    await Promise.all([stopChild(this.kafka, 30_000), stopChild(this.redis, 10_000)]);
    try {
      this.asPostgres(join(this.bins.pgBin, 'pg_ctl'), [
        '-D',
        this.pgData,
        '-m',
        'fast',
        '-w',
        '-t',
        '60',
        'stop',
      ]);
    } catch {
      // not running
    }
  }

  private get pgData(): string {
    return join(this.dir, 'pg', 'data');
  }

  private asPostgres(cmd: string, args: string[]): string {
    return execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }).toString();
  }

  private async startPostgres(): Promise<void> {
    const base = join(this.dir, 'pg');
    mkdirSync(base, { recursive: true });
    chmodSync(this.dir, 0o755);
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(base, uid, gid);
    const pg = (tool: string) => join(this.bins.pgBin, tool);
    this.asPostgres(pg('initdb'), [
      '-D',
      this.pgData,
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
      '--auth-local=peer',
      '--auth-host=scram-sha-256',
    ]);
    // As deploy/local/services/10-postgres.sh, smaller: the machine is shared.
    const conf = [
      `listen_addresses = '127.0.0.1'`,
      `port = ${this.ports.postgres}`,
      `unix_socket_directories = '${base}'`,
      'max_connections = 100',
      'shared_buffers = 256MB',
      'work_mem = 8MB',
      'synchronous_commit = on',
      'max_wal_size = 1GB',
      `shared_preload_libraries = 'timescaledb'`,
      'timescaledb.telemetry_level = off',
      `timezone = 'UTC'`,
    ];
    const confFile = join(this.pgData, 'postgresql.conf');
    writeFileSync(confFile, readFileSync(confFile, 'utf8') + '\n' + conf.join('\n') + '\n');
    writeFileSync(
      join(this.pgData, 'pg_hba.conf'),
      'local all postgres peer\nhost all all 127.0.0.1/32 scram-sha-256\n',
    );
    this.asPostgres(pg('pg_ctl'), [
      '-D',
      this.pgData,
      '-l',
      join(base, 'postgres.log'),
      '-w',
      '-t',
      '120',
      'start',
    ]);
    const psql = (db: string, file: string) =>
      this.asPostgres(pg('psql'), [
        '-h',
        base,
        '-p',
        String(this.ports.postgres),
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-d',
        db,
        '-f',
        file,
      ]);
    psql('postgres', join(ROOT, 'deploy/local/postgres/bootstrap-cluster.sql'));
    psql('smartcity', join(ROOT, 'deploy/local/postgres/bootstrap-database.sql'));
    await migrate({ databaseUrl: this.databaseOwnerUrl, direction: 'up' });
    const pool = createPool({ connectionString: this.databaseUrl, applicationName: 'chaos-check', max: 1 });
    await pool.query('SELECT 1');
    await pool.end();
    this.log(`postgres ready on ${this.ports.postgres}`);
  }

  private async startRedis(): Promise<void> {
    const data = join(this.dir, 'redis');
    mkdirSync(data, { recursive: true });
    const conf = join(data, 'redis.conf');
    writeFileSync(
      conf,
      [
        'bind 127.0.0.1',
        `port ${this.ports.redis}`,
        'daemonize no',
        `dir ${data}`,
        'dbfilename dump.rdb',
        'appendonly no',
        'save 3600 1 300 100',
        'maxmemory 256mb',
        'maxmemory-policy noeviction',
        '',
      ].join('\n'),
    );
    this.redis = spawn('redis-server', [conf], { stdio: ['ignore', 'ignore', 'ignore'] });
    await waitFor(`redis on ${this.ports.redis}`, 30_000, async () => {
      execFileSync('redis-cli', ['-p', String(this.ports.redis), 'ping'], { stdio: 'pipe' });
    });
  }

  private async startKafka(format: boolean): Promise<void> {
    const data = join(this.dir, 'kafka');
    const props = join(data, 'server.properties');
    const java = (heap: string, main: string, args: string[]) => [
      ...heap.split(' '),
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      `-Dkafka.logs.dir=${data}`,
      `-Dlog4j2.configurationFile=${join(ROOT, 'deploy/local/kafka/log4j2.xml')}`,
      '-cp',
      `${this.bins.kafkaLibs}/*`,
      main,
      ...args,
    ];
    if (format) {
      mkdirSync(join(data, 'log'), { recursive: true });
      writeFileSync(
        props,
        [
          'process.roles=broker,controller',
          'node.id=1',
          `controller.quorum.bootstrap.servers=127.0.0.1:${this.ports.controller}`,
          `listeners=PLAINTEXT://127.0.0.1:${this.ports.kafka},CONTROLLER://127.0.0.1:${this.ports.controller}`,
          `advertised.listeners=PLAINTEXT://127.0.0.1:${this.ports.kafka}`,
          'controller.listener.names=CONTROLLER',
          'inter.broker.listener.name=PLAINTEXT',
          'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
          `log.dirs=${join(data, 'log')}`,
          'auto.create.topics.enable=false',
          'num.partitions=6',
          'offsets.topic.replication.factor=1',
          'offsets.topic.num.partitions=6',
          'transaction.state.log.replication.factor=1',
          'transaction.state.log.min.isr=1',
          'share.coordinator.state.topic.replication.factor=1',
          'share.coordinator.state.topic.min.isr=1',
          'min.insync.replicas=1',
          'group.initial.rebalance.delay.ms=0',
          'num.network.threads=2',
          'num.io.threads=2',
          '',
        ].join('\n'),
      );
      const id = execFileSync('java', java('-Xms32m -Xmx256m', 'kafka.tools.StorageTool', ['random-uuid']))
        .toString()
        .trim()
        .split('\n')
        .pop()!;
      execFileSync(
        'java',
        java('-Xms32m -Xmx256m', 'kafka.tools.StorageTool', [
          'format',
          '--standalone',
          '-t',
          id,
          '-c',
          props,
        ]),
        {
          stdio: 'pipe',
        },
      );
    }
    this.kafka = spawn('java', java('-Xms256m -Xmx512m', 'kafka.Kafka', [props]), {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const kafka = new Kafka({
      brokers: [this.kafkaBrokers],
      clientId: 'chaos-probe',
      logLevel: logLevel.NOTHING,
    });
    await waitFor(`kafka on ${this.ports.kafka}`, 180_000, async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.listTopics();
      } finally {
        await admin.disconnect();
      }
    });
  }

  /** Last resort when the runner exits without stop(): nothing of the run may outlive it. */
  private killSync(): void {
    this.kafka?.kill('SIGKILL');
    this.redis?.kill('SIGKILL');
    try {
      this.asPostgres(join(this.bins.pgBin, 'pg_ctl'), ['-D', this.pgData, '-m', 'immediate', 'stop']);
    } catch {
      // not running
    }
  }
}

async function waitFor(what: string, timeoutMs: number, probe: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await probe();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what} not up within ${timeoutMs} ms: ${String(err)}`);
      await sleep(500);
    }
  }
}

function stopChild(child: ChildProcess | undefined, timeoutMs: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
