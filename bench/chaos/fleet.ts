import { ChaosDevice, type DeviceEvents, type Reading, type Router } from './chaos-device';

/**
 * The UDP load balancer in front of the two ingest instances (ARCHITECTURE.md: source affinity): device i goes to
 * instance i % 2 while that instance is in service, to the other one otherwise. An instance leaves service when
 * it is drained (a rolling restart) or fails two health checks in a row (/readyz every second), and comes back
 * after one good check, as a health-checked balancer does.
 */
export class LoadBalancer implements Router {
  private readonly drained = new Set<number>();
  private readonly failing = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ports: readonly [number, number]) {}

  watch(instances: readonly { ready(timeoutMs: number): Promise<boolean> }[]): void {
    let probing = false;
    this.timer = setInterval(() => {
      if (probing) return;
      probing = true;
      void Promise.all(
        instances.map(async (instance, i) => {
          const ok = await instance.ready(900);
          this.failing.set(i, ok ? 0 : (this.failing.get(i) ?? 0) + 1);
        }),
      ).finally(() => (probing = false));
    }, 1000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  drain(instance: 0 | 1, drained: boolean): void {
    if (drained) this.drained.add(instance);
    else this.drained.delete(instance);
  }

  target(deviceIndex: number): number {
    const preferred = deviceIndex % 2;
    return this.ports[
      this.inService(preferred) || !this.inService(1 - preferred) ? preferred : 1 - preferred
    ]!;
  }

  private inService(i: number): boolean {
    return !this.drained.has(i) && (this.failing.get(i) ?? 0) < 2;
  }
}

export interface FleetCounters {
  attempts: number;
  acked: number;
  unavailable: number;
  timeouts: number;
  reregistered: number;
  rejected: number;
}

/** Every readings' fate, for the audit: per device, the acknowledged sequence numbers and their device times. */
export interface AckedReadings {
  readonly endpoint: string;
  readonly seqs: number[];
  readonly times: number[];
}

/** The battery flag toggles every this many readings of a device: one alarm raised and cleared per 2x readings. */
export const FLAG_PERIOD = 50;

/**
 * N chaos devices sending at a fixed total rate: a 20 ms ticker hands readings round-robin to the devices, each
 * of which sends them in order, one exchange at a time, each until acknowledged. Readings carry unique sequence
 * numbers per device and the device's clock as their time.
 */
export class Fleet implements DeviceEvents {
  readonly devices: ChaosDevice[] = [];
  readonly counters: FleetCounters = {
    attempts: 0,
    acked: 0,
    unavailable: 0,
    timeouts: 0,
    reregistered: 0,
    rejected: 0,
  };
  readonly readings: AckedReadings[] = [];
  /** Command id -> executions seen by its device. */
  readonly executions = new Map<string, number>();
  private readonly nextSeq: number[] = [];
  private readonly indexOf = new Map<string, number>();
  private readonly lastTime: number[] = [];
  private ticker: NodeJS.Timeout | undefined;
  private rate = 0;
  private budget = 0;
  private cursor = 0;
  private total = 0;

  constructor(prefix: string, count: number, router: Router, lifetimeS: number) {
    for (let i = 0; i < count; i++) {
      const endpoint = `${prefix}${String(i).padStart(5, '0')}`;
      this.devices.push(new ChaosDevice(i, endpoint, router, this, lifetimeS));
      this.readings.push({ endpoint, seqs: [], times: [] });
      this.indexOf.set(endpoint, i);
      this.nextSeq.push(0);
      this.lastTime.push(0);
    }
  }

  get readingsProduced(): number {
    return this.total;
  }

  /** Readings a device was given (its next sequence number). */
  produced(endpoint: string): number {
    const i = this.indexOf.get(endpoint);
    return i === undefined ? 0 : this.nextSeq[i]!;
  }

  get backlog(): number {
    return this.devices.reduce((n, d) => n + d.backlog, 0);
  }

  get registered(): number {
    return this.devices.filter((d) => d.registered).length;
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.devices.length; i += 20) {
      await Promise.all(this.devices.slice(i, i + 20).map((d) => d.start()));
    }
    let last = Date.now();
    this.ticker = setInterval(() => {
      const now = Date.now();
      this.budget += (this.rate * (now - last)) / 1000;
      last = now;
      while (this.budget >= 1) {
        this.budget -= 1;
        this.emit(this.cursor++ % this.devices.length, now);
      }
    }, 20);
  }

  setRate(perSecond: number): void {
    this.rate = perSecond;
    if (perSecond === 0) this.budget = 0;
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    await Promise.all(this.devices.map((d) => d.stop()));
  }

  acked(device: ChaosDevice, reading: Reading): void {
    this.counters.acked++;
    const a = this.readings[device.index]!;
    a.seqs.push(reading.seq);
    a.times.push(reading.time);
  }

  executed(_device: ChaosDevice, commandId: string): void {
    this.executions.set(commandId, (this.executions.get(commandId) ?? 0) + 1);
  }

  count(what: 'unavailable' | 'timeout' | 'reregistered' | 'rejected' | 'attempt'): void {
    if (what === 'attempt') this.counters.attempts++;
    else if (what === 'timeout') this.counters.timeouts++;
    else this.counters[what]++;
  }

  private emit(i: number, now: number): void {
    const seq = this.nextSeq[i]!++;
    // Millisecond device times, strictly increasing per device: (device, path, time) is unique per reading.
    const time = Math.max(now, this.lastTime[i]! + 1);
    this.lastTime[i] = time;
    this.total++;
    this.devices[i]!.push({ seq, time: time / 1000, lowBattery: Math.floor(seq / FLAG_PERIOD) % 2 === 1 });
  }
}
