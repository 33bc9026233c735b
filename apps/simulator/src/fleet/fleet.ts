import { CoapRequestError, type DatagramTransport, formatCode, udpPeer, UdpTransport } from '@smartcity/coap';
import { ContentFormat } from '@smartcity/lwm2m-codec';
import { type ClientLogger, Lwm2mClient, RegistrationError } from '@smartcity/lwm2m-client';
import { type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { type CityProfile } from '../devices/city-profile';
import { createDevice, type ModelSource, type SimulatedDevice } from '../devices/device-factory';
import { EVENT_TARGET, type InjectedEvent } from '../devices/device-types';
import { planFleet } from '../devices/fleet-plan';
import { SeededRandom } from '../random/seeded-random';
import { type DeviceAccount } from '../bootstrap/server-account';
import { type FleetMetrics } from './fleet.metrics';

export type ReportMode = 'observe' | 'send';

export interface FleetOptions {
  readonly tenant: string;
  readonly city: CityProfile;
  readonly devices: number;
  readonly server: { readonly address: string; readonly port: number };
  readonly seed: number;
  readonly mode: ReportMode;
  readonly endpointPrefix: string;
  readonly lifetime: number;
  /** Total uplink reports per second across the fleet; undefined = each device at its own interval. */
  readonly rate?: number;
  /** Interval between two reports of one device when no rate is given. */
  readonly reportIntervalMs: number;
  /** Period of the physics tick (values evolve every tick). */
  readonly tickMs: number;
  /** Registrations in flight at once (a city of thousands does not register in one burst). */
  readonly registerConcurrency: number;
  /** Local address the device sockets bind to. */
  readonly bindHost: string;
  /** The transport of one device (default plain UDP on bindHost); coaps fleets pass a DTLS one. */
  readonly transportFor?: (endpoint: string) => DatagramTransport;
  /**
   * Bootstrap mode: the LwM2M server account each device was written by the bootstrap server (address, lifetime,
   * transport with its PSK). Devices of the plan without one (their bootstrap failed) are left out of the fleet.
   */
  readonly accounts?: ReadonlyMap<
    string,
    { readonly account: DeviceAccount; readonly transport: () => DatagramTransport }
  >;
  /** SenML payload format of Send. */
  readonly sendFormat: number;
  /**
   * Queue mode for battery-powered devices (those with a 3411 Battery object): they register with `Q`, sleep after
   * this many ms without exchange and wake with an Update to report (Core 1.1.1 §6.5). Undefined: always online.
   */
  readonly queueAwakeMs?: number;
  /** Put a timestamp on each Send record (the benchmark measures device-to-database latency with it). */
  readonly timestamps: boolean;
  readonly models: ModelSource;
  readonly logger: ClientLogger & { child(bindings: object): ClientLogger };
  readonly metrics?: FleetMetrics;
  /** Called after each Send with its round-trip time and outcome (benchmarks keep the raw samples). */
  readonly onSend?: (roundTripMs: number, result: string) => void;
}

interface Member {
  readonly device: SimulatedDevice;
  readonly client: Lwm2mClient;
}

/**
 * A city of simulated devices, each an Lwm2mClient on its own UDP socket. Values evolve on a tick; devices report
 * by Send (POST /dp) or through the observations the server sets up; a rate option drives load for benchmarks.
 */
export class Fleet {
  private readonly members: Member[] = [];
  private readonly byEndpoint = new Map<string, Member>();
  private readonly rnd: SeededRandom;
  private tickTimer: NodeJS.Timeout | undefined;
  private rateTimer: NodeJS.Timeout | undefined;
  private rate = 0;
  private readonly reportTimers: NodeJS.Timeout[] = [];
  private lastTick = Date.now();
  private nextReport = 0;
  private stopped = false;
  private inFlight = 0;
  readonly counters = { sent: 0, acked: 0, failed: 0, registered: 0, registerFailures: 0 };

  constructor(private readonly options: FleetOptions) {
    this.rnd = new SeededRandom(`fleet:${options.seed}:${options.tenant}`);
  }

  get size(): number {
    return this.members.length;
  }

  get endpoints(): string[] {
    return this.members.map((m) => m.device.endpoint);
  }

  device(endpoint: string): SimulatedDevice | undefined {
    return this.byEndpoint.get(endpoint)?.device;
  }

  client(endpoint: string): Lwm2mClient | undefined {
    return this.byEndpoint.get(endpoint)?.client;
  }

  /** Creates every device and registers them (bounded concurrency); resolves once all attempted. */
  async start(): Promise<void> {
    const o = this.options;
    const now = Date.now();
    for (const spec of planFleet(o.devices, o.endpointPrefix, o.seed)) {
      // Forked for every device of the plan, left out or not: the same seed gives each device the same values.
      const rnd = this.rnd.fork(spec.endpoint);
      const bootstrapped = o.accounts?.get(spec.endpoint);
      if (o.accounts && !bootstrapped) continue;
      // A bootstrapped device registers where and for as long as its Server account says (Core 1.1.1 §E.2 /1/x/1).
      const server = bootstrapped?.account.server ?? o.server;
      const lifetime = bootstrapped?.account.lifetime ?? o.lifetime;
      const device = createDevice(spec, o.models, rnd, o.city, now, lifetime);
      const transport =
        bootstrapped?.transport() ??
        o.transportFor?.(spec.endpoint) ??
        new UdpTransport({ host: o.bindHost });
      const client = new Lwm2mClient({
        endpoint: spec.endpoint,
        server: udpPeer(server.address, server.port),
        tree: device.tree,
        transport,
        lifetime,
        logger: o.logger.child({ endpoint: spec.endpoint }),
        random: () => rnd.next(),
        ...(o.queueAwakeMs && device.tree.instanceIds(3411).length > 0
          ? { queueMode: { awakeMs: o.queueAwakeMs } }
          : {}),
      });
      // Registration Update Trigger (Core 1.1.1 §E.2 /1/0/8, mandatory): an Update now (conformance case 103).
      device.tree.onExecute(1, 8, () => void client.update().catch(() => undefined));
      device.tree.onWrite((path) => {
        o.metrics?.commands.inc({ operation: 'write' });
        o.logger.info({ endpoint: spec.endpoint, path: path.toString() }, 'command applied');
      });
      client.onStateChange(() => this.updateGauges());
      const member = { device, client };
      this.members.push(member);
      this.byEndpoint.set(spec.endpoint, member);
    }
    await this.registerAll();
    this.lastTick = Date.now();
    this.tickTimer = setInterval(() => this.tick(), o.tickMs);
    if (o.rate !== undefined) this.setRate(o.rate);
    else if (o.mode === 'send') this.startIntervals();
  }

  /**
   * Applies an event to a device of the right family: the given endpoint, or the first such device of the plan.
   * Returns the endpoint, or undefined when the fleet has no device of that family.
   */
  inject(event: InjectedEvent, endpoint?: string): string | undefined {
    const member = endpoint
      ? this.byEndpoint.get(endpoint)
      : this.members.find((m) => m.device.type === EVENT_TARGET[event]);
    if (!member || !member.device.behaviour.inject(event, Date.now())) return undefined;
    this.options.metrics?.events.inc({ event });
    this.options.logger.info({ endpoint: member.device.endpoint, event }, 'event injected');
    // Devices report alarms at once instead of waiting for their next period.
    if (this.options.mode === 'send') void this.report(member);
    return member.device.endpoint;
  }

  /** One report of one device: a Send of its report paths (send mode), or a physics step (observe mode). */
  async report(member: Member): Promise<void> {
    const o = this.options;
    if (member.client.state !== 'registered' && member.client.state !== 'sleeping') return;
    if (o.mode === 'observe') {
      member.device.behaviour.tick(Date.now(), o.tickMs / 1000);
      return;
    }
    const records = member.device.behaviour.reportPaths.flatMap((p) => {
      try {
        return member.device.tree.read(p);
      } catch {
        return [];
      }
    });
    const time = Date.now() / 1000;
    const stamped = o.timestamps ? records.map((r) => ({ ...r, time }) as Lwm2mRecord) : records;
    const started = process.hrtime.bigint();
    this.counters.sent++;
    this.inFlight++;
    let result: string;
    try {
      const code = await member.client.send([], { format: o.sendFormat, records: stamped });
      result = formatCode(code);
      if (code >> 5 === 2) this.counters.acked++;
      else this.counters.failed++;
    } catch (error) {
      this.counters.failed++;
      result = error instanceof CoapRequestError ? error.reason : 'error';
    } finally {
      this.inFlight--;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    o.metrics?.uplinks.inc({ kind: 'send', result });
    if (result.startsWith('2.')) o.metrics?.sendLatency.observe(seconds);
    o.onSend?.(seconds * 1000, result);
  }

  /**
   * Sets the total report rate (reports per second across the fleet; 0 pauses). Replaces the per-device
   * intervals: a benchmark raises it step by step.
   */
  setRate(rate: number): void {
    this.rate = rate;
    if (this.rateTimer || rate <= 0) return;
    let last = process.hrtime.bigint();
    let owed = 0;
    this.rateTimer = setInterval(() => {
      const now = process.hrtime.bigint();
      owed += (Number(now - last) / 1e9) * this.rate;
      last = now;
      // Catch up after a late timer (GC, a busy machine) but never by more than half a second of load: the rate
      // is a target, not a debt to pay in one burst.
      owed = Math.min(owed, this.rate * 0.5 + 1);
      while (owed >= 1 && this.members.length) {
        owed -= 1;
        const member = this.members[this.nextReport++ % this.members.length] as Member;
        void this.report(member);
      }
    }, 10);
  }

  async stop(options: { deregister?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.rateTimer) clearInterval(this.rateTimer);
    for (const t of this.reportTimers) clearTimeout(t);
    const pending = this.members.map((m) =>
      m.client.stop({ deregister: options.deregister !== false }).catch(() => undefined),
    );
    await Promise.all(pending);
    this.updateGauges();
  }

  get pendingSends(): number {
    return this.inFlight;
  }

  private async registerAll(): Promise<void> {
    const queue = [...this.members];
    const worker = async () => {
      for (let m = queue.shift(); m && !this.stopped; m = queue.shift()) await this.registerWithRetry(m, 0);
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.registerConcurrency) }, worker));
  }

  private async registerWithRetry(member: Member, attempt: number): Promise<void> {
    try {
      await member.client.register();
      this.counters.registered++;
      this.options.metrics?.registrations.inc({ result: 'created' });
    } catch (error) {
      this.counters.registerFailures++;
      const result =
        error instanceof CoapRequestError
          ? error.reason
          : error instanceof RegistrationError
            ? formatCode(error.code)
            : 'error';
      this.options.metrics?.registrations.inc({ result });
      this.options.logger.warn(
        { endpoint: member.device.endpoint, result, attempt },
        'registration failed; will retry',
      );
      // Back off exponentially (capped) in the background, like a device after a refused registration.
      const delay = Math.min(60_000, 2_000 * 2 ** attempt) * (0.5 + this.rnd.next());
      const timer = setTimeout(() => {
        if (!this.stopped) void this.registerWithRetry(member, attempt + 1);
      }, delay);
      timer.unref();
      this.reportTimers.push(timer);
    }
  }

  private tick(): void {
    const now = Date.now();
    const dt = (now - this.lastTick) / 1000;
    this.lastTick = now;
    for (const m of this.members) {
      m.device.behaviour.tick(now, dt);
      if (m.device.values.has('/3411/0/1')) m.device.values.put('/3/0/9', m.device.values.num('/3411/0/1'));
    }
    this.updateGauges();
  }

  /** Each device sends every reportIntervalMs, phases spread evenly so the load is smooth. */
  private startIntervals(): void {
    const period = this.options.reportIntervalMs;
    this.members.forEach((member, i) => {
      const phase = (period * i) / Math.max(1, this.members.length);
      const timer = setTimeout(() => {
        void this.report(member);
        const again = setInterval(() => void this.report(member), period);
        this.reportTimers.push(again as unknown as NodeJS.Timeout);
      }, phase);
      this.reportTimers.push(timer);
    });
  }

  private updateGauges(): void {
    const metrics = this.options.metrics;
    if (!metrics) return;
    let registered = 0;
    let observations = 0;
    for (const m of this.members) {
      if (m.client.state === 'registered' || m.client.state === 'sleeping') registered++;
      observations += m.client.observationCount;
    }
    metrics.registered.set(registered);
    metrics.observations.set(observations);
  }
}

export const SEND_FORMATS = {
  'senml-cbor': ContentFormat.SENML_CBOR,
  'senml-json': ContentFormat.SENML_JSON,
} as const;
