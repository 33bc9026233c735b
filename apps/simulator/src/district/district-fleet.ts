import { CoapRequestError, type DatagramTransport, formatCode, udpPeer, UdpTransport } from '@smartcity/coap';
import { type ClientLogger, Lwm2mClient } from '@smartcity/lwm2m-client';
import { type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { type DeviceAccount } from '../bootstrap/server-account';
import { type CityProfile } from '../devices/city-profile';
import { createDevice, type ModelSource, type SimulatedDevice } from '../devices/device-factory';
import { VENDOR_PROFILES } from '../devices/vendor-profiles';
import { SeededRandom } from '../random/seeded-random';
import { type DistrictOptions, DistrictModel, type MeterReading } from './district-model';

const HOUR_MS = 3_600_000;
const REGISTER_RETRY_MS = 30_000;

export interface DistrictFleetOptions {
  readonly tenant: string;
  readonly city: CityProfile;
  /** Endpoint names: `<prefix>inlet` and `<prefix>customer-<i>`. */
  readonly endpointPrefix: string;
  readonly server: { readonly address: string; readonly port: number };
  readonly lifetime: number;
  readonly bindHost: string;
  /** The district; its clock starts at `district.startMs` (in the past: the fleet replays up to now). */
  readonly district: DistrictOptions;
  /** Simulated time between two readings of a meter (the decoder's rollups are hourly: one an hour is enough). */
  readonly readingStepMs: number;
  /** Readings per Send: each Send carries this many timestamped volumes of one meter (SenML, RFC 8428 §4.5.3). */
  readonly readingsPerSend: number;
  /** Real ms between two batches while replaying the past; once the clock reaches now it follows real time. */
  readonly replayPauseMs: number;
  /** Sends in flight at once. */
  readonly concurrency: number;
  /** Wall clock (tests). */
  readonly now?: () => number;
  readonly transportFor?: (endpoint: string) => DatagramTransport;
  readonly accounts?: ReadonlyMap<
    string,
    { readonly account: DeviceAccount; readonly transport: () => DatagramTransport }
  >;
  readonly sendFormat: number;
  readonly models: ModelSource;
  readonly logger: ClientLogger & {
    child(bindings: object): ClientLogger;
    info(obj: object, msg: string): void;
  };
}

interface Meter {
  readonly name: string;
  readonly device: SimulatedDevice;
  readonly client: Lwm2mClient;
}

/** The endpoint names of a district, inlet first (to provision them, or to import their bootstrap PSKs). */
export function districtEndpoints(prefix: string, customers: number): string[] {
  return ['inlet', ...Array.from({ length: customers }, (_, i) => DistrictModel.meterName(i))].map(
    (m) => `${prefix}${m}`,
  );
}

/**
 * The simulated district metered area (DistrictModel) as real LwM2M devices: one client per meter (the uCIFI water
 * meter of a vendor profile: 3, 3424, 3411, 3412), registered with the server, each reporting its cumulated volume
 * (3424/0/1) by LwM2M Send (Core 1.1.1 §6.4.6, POST /dp) in SenML with the reading's own time, so the platform
 * stores the district's history at the simulated instants. The district's clock runs ahead of the wall clock while
 * it replays the past (days in minutes) and then follows it: a device time never runs ahead of real time, which the
 * decoder would refuse as clock skew.
 */
export class DistrictFleet {
  private readonly model: DistrictModel;
  private readonly meters: Meter[] = [];
  private readonly byName = new Map<string, Meter>();
  private stopped = false;
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private lastRegisterAttempt: number | undefined;
  readonly counters = { sent: 0, acked: 0, failed: 0, readings: 0, registered: 0, registerFailures: 0 };

  constructor(private readonly o: DistrictFleetOptions) {
    this.model = new DistrictModel(o.district);
  }

  get clockMs(): number {
    return this.model.clockMs;
  }

  get endpoints(): string[] {
    return this.meters.map((m) => m.device.endpoint);
  }

  /** Creates and registers every meter, then starts reporting. Meters that fail to register are left out. */
  async start(): Promise<void> {
    const o = this.o;
    const rnd = new SeededRandom(`district:${o.district.seed}:${o.tenant}`);
    const vendor = VENDOR_PROFILES['water-meter'][0]!;
    const names = [
      'inlet',
      ...Array.from({ length: o.district.customers }, (_, i) => DistrictModel.meterName(i)),
    ];
    names.forEach((name, index) => {
      const endpoint = `${o.endpointPrefix}${name}`;
      const bootstrapped = o.accounts?.get(endpoint);
      if (o.accounts && !bootstrapped) return;
      const lifetime = bootstrapped?.account.lifetime ?? o.lifetime;
      const server = bootstrapped?.account.server ?? o.server;
      const device = createDevice(
        { endpoint, type: 'water-meter', vendor, index },
        o.models,
        rnd.fork(endpoint),
        o.city,
        o.district.startMs,
        lifetime,
      );
      const client = new Lwm2mClient({
        endpoint,
        server: udpPeer(server.address, server.port),
        tree: device.tree,
        transport:
          bootstrapped?.transport() ?? o.transportFor?.(endpoint) ?? new UdpTransport({ host: o.bindHost }),
        lifetime,
        logger: o.logger.child({ endpoint }),
        random: () => rnd.next(),
      });
      const meter = { name, device, client };
      this.meters.push(meter);
      this.byName.set(name, meter);
    });
    await this.registerMissing();
    this.loop = this.run();
  }

  /**
   * Registers the meters that are not (yet, or any more): all at start, then those a failure left out, at most every
   * 30 s, before a batch; a meter still unregistered misses that batch's readings, as a real one offline would.
   */
  private async registerMissing(): Promise<void> {
    const now = Date.now();
    if (this.lastRegisterAttempt !== undefined && now - this.lastRegisterAttempt < REGISTER_RETRY_MS) return;
    const queue = this.meters.filter((m) => m.client.state === 'stopped');
    if (queue.length === 0) return;
    this.lastRegisterAttempt = now;
    const worker = async () => {
      for (let m = queue.shift(); m && !this.stopped; m = queue.shift()) {
        try {
          await m.client.register();
          this.counters.registered++;
        } catch (err) {
          this.counters.registerFailures++;
          this.o.logger.warn(
            { endpoint: m.device.endpoint, err: String(err) },
            'district meter did not register',
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.o.concurrency) }, worker));
  }

  /**
   * Advances the district by one batch (readingsPerSend steps, never past the wall clock) and sends each meter's
   * readings of it. Returns the readings sent (0: the clock is at now, nothing to send yet).
   */
  async step(): Promise<number> {
    const o = this.o;
    await this.registerMissing();
    const now = (o.now ?? Date.now)();
    const target = Math.min(this.model.clockMs + o.readingsPerSend * o.readingStepMs, now);
    const readings = this.model.advance(target, o.readingStepMs);
    if (readings.length === 0) return 0;
    const perMeter = new Map<string, MeterReading[]>();
    for (const r of readings) {
      let list = perMeter.get(r.meter);
      if (!list) perMeter.set(r.meter, (list = []));
      list.push(r);
    }
    const work = [...perMeter].flatMap(([name, list]) => {
      const m = this.byName.get(name);
      return m && m.client.state === 'registered' ? [{ m, list }] : [];
    });
    const worker = async () => {
      for (let w = work.shift(); w && !this.stopped; w = work.shift()) await this.send(w.m, w.list);
    };
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
    return readings.length;
  }

  private async send(meter: Meter, list: readonly MeterReading[]): Promise<void> {
    const path = meter.device.values.path('/3424/0/1');
    // The tree holds the latest reading too (a Read or an observation sees what the last Send said).
    meter.device.values.put('/3424/0/1', list[list.length - 1]!.volumeM3);
    // One SenML record per reading, each with its absolute time (RFC 8428 §4.5.3, seconds since the epoch): a
    // Send of historical values of one resource, which the decoder stores at those times.
    const records = list.map((r): Lwm2mRecord => ({
      path,
      type: 'float',
      value: r.volumeM3,
      time: r.timeMs / 1000,
    }));
    this.counters.sent++;
    try {
      const code = await meter.client.send([], { format: this.o.sendFormat, records });
      if (code >> 5 === 2) {
        this.counters.acked++;
        this.counters.readings += list.length;
      } else {
        this.counters.failed++;
        this.o.logger.warn(
          { endpoint: meter.device.endpoint, code: formatCode(code) },
          'district Send refused',
        );
      }
    } catch (err) {
      this.counters.failed++;
      const reason = err instanceof CoapRequestError ? err.reason : String(err);
      this.o.logger.warn({ endpoint: meter.device.endpoint, reason }, 'district Send failed');
    }
  }

  /** Replays the past batch after batch, then one reading step of real time after another. */
  private async run(): Promise<void> {
    let caughtUp = false;
    while (!this.stopped) {
      const sent = await this.step();
      if (!caughtUp && sent === 0) {
        caughtUp = true;
        this.o.logger.info(
          { clock: new Date(this.model.clockMs).toISOString(), ...this.counters },
          'district caught up with the wall clock',
        );
      }
      const pause = caughtUp ? Math.min(this.o.readingStepMs, HOUR_MS) : this.o.replayPauseMs;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, pause);
      });
    }
  }

  async stop(options: { deregister?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop?.catch(() => undefined);
    await Promise.all(
      this.meters.map((m) =>
        m.client.stop({ deregister: options.deregister !== false }).catch(() => undefined),
      ),
    );
  }
}
