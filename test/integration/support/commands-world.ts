import { randomBytes } from 'node:crypto';
import {
  type DatagramListener,
  type DatagramTransport,
  type Peer,
  UdpTransport,
  udpPeer,
} from '@smartcity/coap';
import { Lwm2mClient, ObjectTree } from '@smartcity/lwm2m-client';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { LOCAL_STACK } from '@smartcity/platform-config';
import { CredentialKeyring, DeviceCredentialRepository, withPlatformAdmin } from '@smartcity/platform-db';
import { createLogger } from '@smartcity/platform-observability';
import {
  closeRedis,
  createRedis,
  deleteKeysMatching,
  invalidateDeviceDirectory,
  type Redis,
} from '@smartcity/platform-redis';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { type AppProcess, startApp } from '../../../bench/pipeline/platform-processes';
import { freeTcpPort, freeUdpPort } from '../../../bench/pipeline/ports';

const OWNER_URL =
  process.env['DATABASE_OWNER_URL'] ?? 'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity';
const KAFKA_BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export const models = loadBundledRegistry();
const logger = createLogger({ app: 'commands-test', level: 'silent' });

export interface IngestInstance {
  readonly id: string;
  readonly coapPort: number;
  /** CoAP over DTLS (PSK devices). */
  readonly coapsPort: number;
  readonly process: AppProcess;
}

export interface WorldOptions {
  /** Ingest bound on one exchange (ms): short so a silent device is a TIMEOUT within the test. */
  readonly responseTimeoutMs?: number;
  /** Ingest queue-mode awake window (s). */
  readonly awakeWindowS?: number;
  /** Also run a decoder (device state in GraphQL). */
  readonly decoder?: boolean;
  /** Extra environment of every app of the run (e.g. the tracing variables). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * One run's platform for device commands, on the shared local services: two ingest instances (child processes,
 * distinct CoAP ports, one Redis key prefix and downlink consumer group), a gateway, optionally a decoder, all on
 * Kafka topics of this run. Devices are rows of the demo city `lyon` (the demo users' organization) with endpoints
 * `cmd-<run>-...`; cleanup deletes exactly those, the run's topics and Redis keys.
 */
export class CommandsWorld {
  readonly run = randomBytes(4).toString('hex');
  readonly tenant = 'lyon';
  readonly owner = new Pool({ connectionString: OWNER_URL, max: 3 });
  readonly redis: Redis = createRedis({ url: REDIS_URL, logger });
  readonly topics = {
    uplink: `test.cmd.${this.run}.uplink`,
    downlink: `test.cmd.${this.run}.downlink`,
    result: `test.cmd.${this.run}.result`,
  };
  readonly prefix = `test:cmd:${this.run}:`;
  readonly ingests: IngestInstance[] = [];
  gatewayUrl = '';
  private readonly apps: AppProcess[] = [];
  private readonly clients: Lwm2mClient[] = [];

  async start(options: WorldOptions = {}): Promise<void> {
    await this.owner.query(
      // The run's lamps are NoSec devices (some behind a lossy transport of the test): the two cities must allow
      // NoSec, which tenants created since the device-credentials migration refuse by default.
      `INSERT INTO tenants (id, name, allow_nosec) VALUES ('lyon', 'Lyon', true), ('porto', 'Porto', true)
       ON CONFLICT (id) DO UPDATE SET allow_nosec = true`,
    );
    for (const name of ['a', 'b']) await this.startIngest(name, options);
    if (options.decoder) {
      const ops = await freeTcpPort();
      this.apps.push(
        await startApp(
          'decoder',
          {
            OPS_PORT: String(ops),
            DECODER_INSTANCE_ID: `decoder-${this.run}`,
            DECODER_GROUP_ID: `decoder-${this.run}`,
            DECODER_UPLINK_TOPIC: this.topics.uplink,
            DECODER_UPLINK_PARTITIONS: '3',
            DECODER_FROM_BEGINNING: 'true',
            DECODER_JOBS_ENABLED: 'false',
            ...options.env,
          },
          `http://127.0.0.1:${ops}/readyz`,
        ),
      );
    }
    const port = await freeTcpPort();
    // Its own ops port too: another run's gateway (or the demo's) may hold the default 9103.
    const gatewayOps = await freeTcpPort();
    this.gatewayUrl = `http://127.0.0.1:${port}`;
    this.apps.push(
      await startApp(
        'gateway',
        {
          GATEWAY_PORT: String(port),
          GATEWAY_OPS_PORT: String(gatewayOps),
          NODE_ENV: 'test',
          // The run's ingest registrations (conformance runs read a device's object links there).
          INGEST_REDIS_KEY_PREFIX: this.prefix,
          COMMANDS_DOWNLINK_TOPIC: this.topics.downlink,
          COMMANDS_RESULT_TOPIC: this.topics.result,
          COMMANDS_RESULT_GROUP_ID: `gateway-cmd-${this.run}`,
          ...options.env,
        },
        `${this.gatewayUrl}/readyz`,
      ),
    );
  }

  async startIngest(name: string, options: WorldOptions = {}): Promise<IngestInstance> {
    const coapPort = await freeUdpPort();
    const coapsPort = await freeUdpPort();
    const ops = await freeTcpPort();
    const id = `cmd-${this.run}-${name}`;
    const process = await startApp(
      'coap-ingest',
      {
        COAP_HOST: '127.0.0.1',
        COAP_PORT: String(coapPort),
        // Several instances on one host, and the demo's ingest may hold 5684: a free coaps port each.
        COAPS_PORT: String(coapsPort),
        OPS_PORT: String(ops),
        INSTANCE_ID: id,
        REDIS_KEY_PREFIX: this.prefix,
        KAFKA_UPLINK_TOPIC: this.topics.uplink,
        KAFKA_UPLINK_PARTITIONS: '3',
        DOWNLINK_TOPIC: this.topics.downlink,
        DOWNLINK_RESULT_TOPIC: this.topics.result,
        DOWNLINK_GROUP_ID: `ingest-cmd-${this.run}`,
        DOWNLINK_RESPONSE_TIMEOUT_MS: String(options.responseTimeoutMs ?? 5000),
        QUEUE_AWAKE_WINDOW_S: String(options.awakeWindowS ?? 2),
        RATE_ENDPOINT_PER_S: '0',
        ...options.env,
      },
      `http://127.0.0.1:${ops}/readyz`,
    );
    this.apps.push(process);
    const instance = { id, coapPort, coapsPort, process };
    this.ingests.push(instance);
    return instance;
  }

  /** Provisions devices in a city with the object versions they will announce (as the decoder would record). */
  async provision(
    count: number,
    options: { tenant?: string; kind?: string; objects?: Record<string, string>; profile?: string } = {},
  ): Promise<{ id: string; endpoint: string }[]> {
    const tenant = options.tenant ?? this.tenant;
    const endpoints = Array.from(
      { length: count },
      (_, i) => `cmd-${this.run}-${options.kind ?? 'lamp'}-${i}`,
    );
    const { rows } = await this.owner.query<{ id: string; endpoint: string }>(
      `INSERT INTO devices (tenant_id, endpoint, name, category, lwm2m_version, object_versions, profile)
       SELECT $1, e, e, 'lighting', '1.1', $3, $4 FROM unnest($2::text[]) AS e RETURNING id, endpoint`,
      [
        tenant,
        endpoints,
        JSON.stringify(options.objects ?? { '1': '1.1', '3': '1.1', '3416': '2.0' }),
        options.profile ?? null,
      ],
    );
    await invalidateDeviceDirectory(this.redis, endpoints);
    const order = new Map(endpoints.map((e, i) => [e, i]));
    return rows.sort((a, b) => (order.get(a.endpoint) ?? 0) - (order.get(b.endpoint) ?? 0));
  }

  /** Gives a provisioned device a PSK (as the gateway's setDeviceCredential would), identity = endpoint. */
  async setPsk(device: { id: string; endpoint: string }, key: Buffer): Promise<void> {
    const repository = new DeviceCredentialRepository(new CredentialKeyring(LOCAL_STACK.credentialKeys));
    await withPlatformAdmin(this.owner, (tx) =>
      repository.set(tx, this.tenant, device.id, { mode: 'psk', identity: device.endpoint, key }),
    );
    await invalidateDeviceDirectory(this.redis, [device.endpoint]);
  }

  /** A device profile of the run in the city: the ingest observes these paths after each registration. */
  async profile(observe: { path: string; attributes?: Record<string, number> }[]): Promise<string> {
    const name = `cmd-${this.run}`;
    await this.owner.query('INSERT INTO device_profiles (tenant_id, name, observe) VALUES ($1, $2, $3)', [
      this.tenant,
      name,
      JSON.stringify(observe),
    ]);
    return name;
  }

  /** A lamp controller (uCIFI 3416 v2.0) that applies a written command level to its dimming level. */
  async lamp(
    endpoint: string,
    server: { port: number },
    options: { queueMode?: { awakeMs: number }; transport?: DatagramTransport } = {},
  ): Promise<{ client: Lwm2mClient; tree: ObjectTree; writes: number[] }> {
    const tree = new ObjectTree();
    for (const [id, version] of [
      [1, '1.1'],
      [3, '1.1'],
      [3416, '2.0'],
    ] as const) {
      const model = models.get(id, version) ?? models.latest(id);
      if (!model) throw new Error(`no model ${id}`);
      tree.addObject(model);
    }
    tree.addInstance(1, 0, { 0: 1, 1: 300, 7: 'U' });
    tree.addInstance(3, 0, { 0: 'smartcity-tests' });
    tree.addInstance(3416, 0, { 1: 80, 3: 80 });
    const writes: number[] = [];
    tree.onWrite((path, value) => {
      if (path.objectId === 3416 && path.resourceId === 1 && typeof value === 'number') {
        writes.push(value);
        // The lamp applies the command: the dimming level follows (reported by Observe when observed).
        tree.set(new Lwm2mPath(3416, path.instanceId, 3), value);
      }
    });
    const client = new Lwm2mClient({
      endpoint,
      server: udpPeer('127.0.0.1', server.port),
      tree,
      transport: options.transport ?? new UdpTransport({ host: '127.0.0.1' }),
      lifetime: 300,
      ...(options.queueMode ? { queueMode: options.queueMode } : {}),
    });
    this.clients.push(client);
    await client.register();
    return { client, tree, writes };
  }

  async cleanup(): Promise<void> {
    for (const c of this.clients) await c.stop({ deregister: false }).catch(() => undefined);
    for (const app of [...this.apps].reverse()) await app.stop().catch(() => undefined);
    const { rows } = await this.owner.query<{ endpoint: string }>(
      `SELECT endpoint FROM devices WHERE endpoint LIKE $1`,
      [`cmd-${this.run}-%`],
    );
    await this.owner.query(
      `DELETE FROM telemetry WHERE device_id IN (SELECT id FROM devices WHERE endpoint LIKE $1)`,
      [`cmd-${this.run}-%`],
    );
    await this.owner.query(`DELETE FROM devices WHERE endpoint LIKE $1`, [`cmd-${this.run}-%`]);
    await this.owner.query(`DELETE FROM device_profiles WHERE name = $1`, [`cmd-${this.run}`]);
    await invalidateDeviceDirectory(
      this.redis,
      rows.map((r) => r.endpoint),
    ).catch(() => undefined);
    await deleteKeysMatching(this.redis, `${this.prefix}*`).catch(() => undefined);
    await closeRedis(this.redis);
    await this.owner.end();
    const admin = new Kafka({
      brokers: KAFKA_BROKERS,
      clientId: `cmd-${this.run}`,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(this.topics) }).catch(() => undefined);
    await admin.disconnect();
  }
}

export interface GqlResponse<T> {
  readonly data: T | null;
  readonly errors: { message: string; extensions?: { code?: string } }[];
}

export async function gql<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlResponse<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T | null; errors?: GqlResponse<T>['errors'] };
  return { data: body.data ?? null, errors: body.errors ?? [] };
}

export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A UDP transport that answers nothing once muted (a device that stopped answering, its radio off). */
export class MuteableTransport extends UdpTransport {
  private muted = false;

  constructor() {
    super({ host: '127.0.0.1' });
  }

  override start(onDatagram: DatagramListener): Promise<void> {
    return super.start((data, peer) => {
      if (!this.muted) onDatagram(data, peer);
    });
  }

  override send(data: Buffer, peer: Peer): void {
    if (!this.muted) super.send(data, peer);
  }

  mute(): void {
    this.muted = true;
  }
}
