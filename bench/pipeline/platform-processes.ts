import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freeTcpPort, freeUdpPort } from './ports';

const ROOT = join(__dirname, '..', '..');

export type AppName = 'coap-ingest' | 'decoder' | 'gateway';

/** One platform app run as a child process from its TypeScript entry point, as `scripts/apps.sh` does. */
export interface AppProcess {
  readonly name: AppName;
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
}

export async function startApp(
  name: AppName,
  env: Record<string, string>,
  readyUrl: string,
): Promise<AppProcess> {
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', './tools/register.js', `apps/${name}/src/main.ts`],
    {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const keep = (d: Buffer) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}:\n${output.slice(-4000)}`);
    try {
      if ((await fetch(readyUrl)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} not ready within 120 s:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { name, pid: child.pid as number, output: () => output, stop };
}

export interface Pipeline {
  readonly coapPort: number;
  readonly uplinkTopic: string;
  readonly decoderGroup: string;
  /** Device requests to the ingest (`lwm2m.downlink.v1` contract) and their outcomes, on topics of this run. */
  readonly downlinkTopic: string;
  readonly downlinkResultTopic: string;
  readonly gatewayUrl?: string;
  /** Ops server base URL of each app (/metrics, /readyz). */
  readonly opsUrls: Readonly<Record<'coap-ingest' | 'decoder', string>>;
  readonly apps: readonly AppProcess[];
  stop(): Promise<void>;
}

/**
 * Starts ingest -> Kafka -> decoder (and optionally the gateway) isolated from anything else running on the
 * machine: its own CoAP port, its own uplink topic and consumer group (suffix `runId`), free ops ports. The real
 * shared services (PostgreSQL, Redis, Kafka, Keycloak) are used as they are.
 */
export async function startPipeline(
  runId: string,
  options: { gateway?: boolean; partitions?: number } = {},
): Promise<Pipeline> {
  const coapPort = await freeUdpPort();
  const uplinkTopic = `lwm2m.uplink.v1.${runId}`;
  const decoderGroup = `decoder-${runId}`;
  const downlinkTopic = `lwm2m.downlink.v1.${runId}`;
  const downlinkResultTopic = `lwm2m.downlink-result.v1.${runId}`;
  const partitions = String(options.partitions ?? 6);
  const apps: AppProcess[] = [];
  const stop = async () => {
    for (const app of [...apps].reverse()) await app.stop();
  };
  try {
    const ingestOps = await freeTcpPort();
    apps.push(
      await startApp(
        'coap-ingest',
        {
          COAP_HOST: '127.0.0.1',
          COAP_PORT: String(coapPort),
          // The benchmark's fleet is NoSec on loopback: no coaps listener (port 5684 may be the demo's), and every
          // simulated device shares 127.0.0.1, so no per-address limit.
          COAPS_ENABLED: 'false',
          RATE_ADDRESS_PER_S: '0',
          OPS_PORT: String(ingestOps),
          INSTANCE_ID: `ingest-${runId}`,
          // Registration state of this run only: another ingest must not expire (or take over) these devices.
          REDIS_KEY_PREFIX: `sc:ingest:${runId}:`,
          KAFKA_UPLINK_TOPIC: uplinkTopic,
          KAFKA_UPLINK_PARTITIONS: partitions,
          DOWNLINK_TOPIC: downlinkTopic,
          DOWNLINK_RESULT_TOPIC: downlinkResultTopic,
          DOWNLINK_GROUP_ID: `coap-ingest-downlink-${runId}`,
        },
        `http://127.0.0.1:${ingestOps}/readyz`,
      ),
    );
    const decoderOps = await freeTcpPort();
    apps.push(
      await startApp(
        'decoder',
        {
          OPS_PORT: String(decoderOps),
          DECODER_INSTANCE_ID: `decoder-${runId}`,
          DECODER_GROUP_ID: decoderGroup,
          DECODER_UPLINK_TOPIC: uplinkTopic,
          DECODER_UPLINK_PARTITIONS: partitions,
          DECODER_FROM_BEGINNING: 'true',
          // Background jobs (rollups, retention, communication loss) belong to the long-running decoder.
          DECODER_JOBS_ENABLED: 'false',
        },
        `http://127.0.0.1:${decoderOps}/readyz`,
      ),
    );
    let gatewayUrl: string | undefined;
    if (options.gateway) {
      const port = await freeTcpPort();
      gatewayUrl = `http://127.0.0.1:${port}`;
      apps.push(
        await startApp(
          'gateway',
          {
            GATEWAY_PORT: String(port),
            // Its own ops port (/metrics): the default 9103 may be the long-running gateway's.
            GATEWAY_OPS_PORT: String(await freeTcpPort()),
            NODE_ENV: 'test',
            // Device commands of this run go to this run's ingest, and their results come back here.
            COMMANDS_DOWNLINK_TOPIC: downlinkTopic,
            COMMANDS_RESULT_TOPIC: downlinkResultTopic,
            COMMANDS_RESULT_GROUP_ID: `gateway-command-results-${runId}`,
          },
          `${gatewayUrl}/readyz`,
        ),
      );
    }
    return {
      coapPort,
      uplinkTopic,
      decoderGroup,
      downlinkTopic,
      downlinkResultTopic,
      ...(gatewayUrl ? { gatewayUrl } : {}),
      opsUrls: { 'coap-ingest': `http://127.0.0.1:${ingestOps}`, decoder: `http://127.0.0.1:${decoderOps}` },
      apps,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
