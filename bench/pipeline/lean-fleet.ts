import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import {
  CoapCode,
  CoapOption,
  CoapType,
  emptyMessage,
  locationPathOf,
  parseCoapMessage,
  serializeCoapMessage,
  uintOptionOf,
} from '@smartcity/coap';
import {
  buildDeregister,
  endpointName,
  buildRegister,
  buildSendTemplate,
  type SendTemplate,
  writeSend,
} from './lean-datagrams';
import { ExchangeKind, ExchangeTable } from './lean-exchanges';

export interface LeanFleetOptions {
  /** Endpoint names are `<prefix><index, 5 digits>`. */
  readonly prefix: string;
  readonly devices: number;
  readonly server: { readonly address: string; readonly port: number };
  readonly bindHost: string;
  readonly lifetime: number;
  /** CON exchanges outstanding across the fleet at once (each device has at most one, RFC 7252 §4.7 NSTART = 1). */
  readonly window: number;
  /** Registrations outstanding at once (a city does not register in one burst). */
  readonly registerWindow: number;
  /** Each answered Send: round trip from its first transmission (ms) and the response code (wire byte). */
  readonly onSend?: (roundTripMs: number, code: number) => void;
}

export interface LeanCounters {
  /** Messages handed to devices by the rate ticker. */
  produced: number;
  /** Send exchanges started (a retry after 5.03/4.29, 4.04 or a timeout is another one). */
  sent: number;
  acked: number;
  /** Sends refused for good (4.xx other than 4.04/4.29, 5.xx other than 5.03): their message is dropped. */
  failed: number;
  retransmissions: number;
  /** 5.03 or 4.29 received: the device waited Max-Age, then retried. */
  backoffs: number;
  /** Exchanges given up after MAX_RETRANSMIT (§4.2); a Send's message is sent again in a new exchange. */
  timeouts: number;
  registered: number;
  registerFailures: number;
  /** Sends answered 4.04 (the server lost the registration): the device registered again. */
  reregistrations: number;
  /** Datagrams matching no outstanding exchange (late duplicates, answers to given-up exchanges). */
  strays: number;
}

/** What the audit needs of each device once the fleet drained: messages settled, and the one possibly in flight. */
export interface LeanDeviceState {
  readonly endpoints: readonly string[];
  /** Messages 0..settled-1 of a device were acknowledged, except the dropped ones. */
  readonly settled: readonly number[];
  /** 1 when message `settled` of the device was transmitted but never answered (it may be stored). */
  readonly attempted: readonly number[];
  /** [device, seq] pairs of dropped messages. */
  readonly dropped: readonly (readonly [number, number])[];
}

const State = { Unregistered: 0, Registered: 1, Leaving: 2, Gone: 3 } as const;
/** RFC 7252 §5.10.5: Max-Age defaults to 60 s. */
const DEFAULT_MAX_AGE_S = 60;
const TICK_MS = 10;

/**
 * A fleet of NoSec LwM2M devices for load, as lean as the protocol allows: one UDP socket per endpoint (the
 * ingest knows a NoSec device by its source address and port), per-device state in typed arrays, datagrams
 * patched from one pre-encoded template, a window of outstanding CON exchanges, responses matched by token only,
 * retransmission per RFC 7252 §4.2 only when a response is late, 5.03/4.29 with Max-Age honoured (the device waits,
 * then retries the same message). Each device sends its messages in order, one exchange at a time, each until
 * answered: message `seq` carries values unique to it and the time of its first transmission, so every row can
 * be checked against what was acknowledged.
 */
export class LeanFleet {
  readonly counters: LeanCounters = {
    produced: 0,
    sent: 0,
    acked: 0,
    failed: 0,
    retransmissions: 0,
    backoffs: 0,
    timeouts: 0,
    registered: 0,
    registerFailures: 0,
    reregistrations: 0,
    strays: 0,
  };
  readonly endpoints: readonly string[];
  private readonly n: number;
  private readonly sockets: Socket[] = [];
  private readonly table: ExchangeTable;
  private readonly template: SendTemplate = buildSendTemplate();
  private readonly state: Uint8Array;
  private readonly produced: Uint32Array;
  private readonly settled: Uint32Array;
  private readonly attempted: Uint8Array;
  private readonly stampS: Float64Array;
  private readonly lastStampMs: Float64Array;
  private readonly holdUntil: Float64Array;
  private readonly registerAttempts: Uint8Array;
  private readonly nextMid: Uint16Array;
  private readonly queued: Uint8Array;
  private readonly queue: Int32Array;
  private qHead = 0;
  private qLength = 0;
  private registering = 0;
  private readonly datagrams: (Buffer | undefined)[];
  private readonly locations: string[][];
  private readonly dropped: [number, number][] = [];
  private ticker: NodeJS.Timeout | undefined;
  private rate = 0;
  private owed = 0;
  private lastTick = performance.now();
  private cursor = 0;
  private stopping = false;

  constructor(private readonly o: LeanFleetOptions) {
    const n = (this.n = o.devices);
    this.endpoints = Array.from({ length: n }, (_, i) => endpointName(o.prefix, i));
    this.table = new ExchangeTable(n);
    this.state = new Uint8Array(n);
    this.produced = new Uint32Array(n);
    this.settled = new Uint32Array(n);
    this.attempted = new Uint8Array(n);
    this.stampS = new Float64Array(n);
    this.lastStampMs = new Float64Array(n);
    this.holdUntil = new Float64Array(n);
    this.registerAttempts = new Uint8Array(n);
    this.nextMid = new Uint16Array(n);
    this.queued = new Uint8Array(n);
    this.queue = new Int32Array(n);
    this.datagrams = new Array<Buffer | undefined>(n);
    this.locations = new Array<string[]>(n);
    for (let i = 0; i < n; i++) this.nextMid[i] = Math.floor(Math.random() * 0x10000);
  }

  /** Exchanges outstanding now. */
  get outstanding(): number {
    return this.table.openCount;
  }

  /** Messages produced but not yet settled, across the fleet. */
  get backlog(): number {
    let b = 0;
    for (let i = 0; i < this.n; i++) b += this.produced[i]! - this.settled[i]!;
    return b;
  }

  /** Opens every socket and registers every device; resolves when all registered or after `timeoutMs`. */
  async start(timeoutMs = 120_000): Promise<void> {
    for (let i = 0; i < this.n; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, this.n - i) }, (_, k) => this.openSocket(i + k)));
    }
    this.lastTick = performance.now();
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    for (let i = 0; i < this.n; i++) this.enqueue(i, performance.now());
    this.pump();
    const deadline = Date.now() + timeoutMs;
    while (this.counters.registered < this.n && Date.now() < deadline) await sleep(100);
  }

  /** Total messages per second across the fleet, handed round-robin to the devices (0 pauses). */
  setRate(perSecond: number): void {
    this.rate = perSecond;
    if (perSecond === 0) this.owed = 0;
  }

  /** Waits (at most `timeoutMs`) until every produced message is settled and no Send is outstanding. */
  async drain(timeoutMs: number): Promise<LeanDeviceState> {
    this.setRate(0);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && (this.backlog > 0 || this.outstanding > 0)) await sleep(100);
    return {
      endpoints: this.endpoints,
      settled: Array.from(this.settled),
      attempted: Array.from(this.attempted),
      dropped: [...this.dropped],
    };
  }

  /** De-registers every registered device (at most `timeoutMs`), then closes the sockets. */
  async stop(timeoutMs = 15_000): Promise<void> {
    this.setRate(0);
    this.stopping = true;
    const now = performance.now();
    for (let i = 0; i < this.n; i++) {
      this.state[i] = this.state[i] === State.Registered ? State.Leaving : State.Gone;
      this.holdUntil[i] = 0;
      this.enqueue(i, now);
    }
    this.pump();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && this.state.some((s) => s === State.Leaving)) await sleep(100);
    if (this.ticker) clearInterval(this.ticker);
    await Promise.all(this.sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }

  private openSocket(i: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = createSocket('udp4');
      socket.once('error', reject);
      socket.on('message', (msg: Buffer) => this.onDatagram(i, msg));
      socket.bind(0, this.o.bindHost, () => {
        socket.connect(this.o.server.port, this.o.server.address, () => {
          socket.removeListener('error', reject);
          // ICMP port unreachable and the like on a connected socket: the exchange times out and is retried.
          socket.on('error', () => undefined);
          this.sockets[i] = socket;
          resolve();
        });
      });
    });
  }

  private tick(): void {
    const now = performance.now();
    if (this.rate > 0) {
      this.owed += ((now - this.lastTick) / 1000) * this.rate;
      // Catch up after a late timer, never by more than half a second of load (as the simulator fleet does).
      this.owed = Math.min(this.owed, this.rate * 0.5 + 1);
      while (this.owed >= 1) {
        this.owed -= 1;
        const d = this.cursor;
        this.cursor = d + 1 === this.n ? 0 : d + 1;
        this.produced[d]!++;
        this.counters.produced++;
        this.enqueue(d, now);
      }
    }
    this.lastTick = now;
    this.table.expire(
      now,
      (d) => {
        this.counters.retransmissions++;
        const datagram = this.datagrams[d];
        if (datagram) this.sockets[d]!.send(datagram);
      },
      (d, kind) => this.gaveUp(d, kind, now),
    );
    // Devices whose hold (Max-Age, a registration back-off) ended.
    for (let d = 0; d < this.n; d++) if (this.holdUntil[d] !== 0) this.enqueue(d, now);
    this.pump();
  }

  /** Queues a device that has something to do and may do it now. */
  private enqueue(d: number, now: number): void {
    if (this.queued[d] || this.table.kind(d) !== ExchangeKind.None) return;
    if (this.holdUntil[d]! > now) return;
    this.holdUntil[d] = 0;
    if (!this.hasWork(d)) return;
    this.queued[d] = 1;
    this.queue[(this.qHead + this.qLength++) % this.n] = d;
  }

  private hasWork(d: number): boolean {
    const s = this.state[d];
    if (s === State.Unregistered || s === State.Leaving) return true;
    return s === State.Registered && this.settled[d]! < this.produced[d]!;
  }

  /** Starts exchanges for queued devices while the window allows. */
  private pump(): void {
    const now = performance.now();
    while (this.qLength > 0 && this.table.openCount < this.o.window) {
      const d = this.queue[this.qHead]!;
      if (this.state[d] === State.Unregistered && this.registering >= this.o.registerWindow) return;
      this.qHead = (this.qHead + 1) % this.n;
      this.qLength--;
      this.queued[d] = 0;
      if (this.table.kind(d) !== ExchangeKind.None || !this.hasWork(d)) continue;
      this.transmit(d, now);
    }
  }

  private transmit(d: number, now: number): void {
    const mid = this.nextMid[d]!;
    this.nextMid[d] = (mid + 1) & 0xffff;
    let datagram: Buffer;
    if (this.state[d] === State.Unregistered) {
      this.registering++;
      const exchange = this.table.open(d, ExchangeKind.Register, mid, now);
      datagram = buildRegister(this.endpoints[d]!, this.o.lifetime, mid, d, exchange);
    } else if (this.state[d] === State.Leaving) {
      const exchange = this.table.open(d, ExchangeKind.Deregister, mid, now);
      datagram = buildDeregister(this.locations[d]!, mid, d, exchange);
    } else {
      if (!this.attempted[d]) {
        // Millisecond times strictly increasing per device: (device, path, time) is unique per message.
        const ms = Math.max(Date.now(), this.lastStampMs[d]! + 1);
        this.lastStampMs[d] = ms;
        this.stampS[d] = ms / 1000;
        this.attempted[d] = 1;
      }
      const exchange = this.table.open(d, ExchangeKind.Send, mid, now);
      datagram = writeSend(this.template, mid, d, exchange, this.settled[d]!, this.stampS[d]!);
      this.counters.sent++;
    }
    this.datagrams[d] = datagram;
    this.sockets[d]!.send(datagram);
  }

  private onDatagram(socketDevice: number, msg: Buffer): void {
    if (msg.length < 4 || msg[0]! >> 6 !== 1) return;
    const type = (msg[0]! >> 4) & 3;
    const code = msg[1]!;
    const now = performance.now();
    if (code === CoapCode.Empty) {
      const mid = msg.readUInt16BE(2);
      if (type === CoapType.Acknowledgement) this.table.acknowledgeEmpty(socketDevice, mid, now);
      else if (type === CoapType.Reset && this.table.isOutstandingId(socketDevice, mid)) {
        const kind = this.table.kind(socketDevice);
        this.table.close(socketDevice);
        this.gaveUp(socketDevice, kind, now);
      } else if (type === CoapType.Confirmable) {
        this.sockets[socketDevice]!.send(emptyMessage(CoapType.Reset, mid)); // CoAP ping (§4.3)
      }
      this.pump();
      return;
    }
    if (code >> 5 === 0) return this.refuseRequest(socketDevice, msg, type);
    // §5.2.2: a separate response in a CON is acknowledged, whether it is still awaited or not.
    if (type === CoapType.Confirmable)
      this.sockets[socketDevice]!.send(emptyMessage(CoapType.Acknowledgement, msg.readUInt16BE(2)));
    const d = this.table.matchResponse(msg);
    if (d < 0) {
      this.counters.strays++;
      return;
    }
    const kind = this.table.kind(d);
    const rtt = this.table.elapsed(d, now);
    this.table.close(d);
    this.datagrams[d] = undefined;
    if (kind === ExchangeKind.Send) this.sendAnswered(d, code, msg, rtt, now);
    else if (kind === ExchangeKind.Register) this.registerAnswered(d, code, msg, now);
    else this.state[d] = State.Gone;
    this.enqueue(d, now);
    this.pump();
  }

  private sendAnswered(d: number, code: number, msg: Buffer, rtt: number, now: number): void {
    this.o.onSend?.(rtt, code);
    if (code >> 5 === 2) {
      this.counters.acked++;
      this.settled[d]!++;
      this.attempted[d] = 0;
    } else if (code === CoapCode.ServiceUnavailable || code === CoapCode.TooManyRequests) {
      this.counters.backoffs++;
      this.hold(d, maxAgeOf(msg), now);
    } else if (code === CoapCode.NotFound && this.state[d] === State.Registered) {
      // Core 1.1.1 §6.2.2: the server does not know the device any more; it registers again, then resends.
      this.counters.reregistrations++;
      this.state[d] = State.Unregistered;
    } else {
      this.counters.failed++;
      this.dropped.push([d, this.settled[d]!]);
      this.settled[d]!++;
      this.attempted[d] = 0;
    }
  }

  private registerAnswered(d: number, code: number, msg: Buffer, now: number): void {
    this.registering--;
    if (code === CoapCode.Created) {
      let location: string[] = [];
      try {
        location = locationPathOf(parseCoapMessage(msg));
      } catch {
        // a malformed 2.01: treated as a refusal below
      }
      if (location.length > 0) {
        this.locations[d] = location;
        this.state[d] = this.stopping ? State.Leaving : State.Registered;
        this.registerAttempts[d] = 0;
        this.counters.registered++;
        return;
      }
    }
    this.counters.registerFailures++;
    if (code === CoapCode.ServiceUnavailable || code === CoapCode.TooManyRequests) {
      this.hold(d, maxAgeOf(msg), now);
    } else {
      this.backOff(d, now);
    }
  }

  private gaveUp(d: number, kind: ExchangeKind, now: number): void {
    this.counters.timeouts++;
    this.datagrams[d] = undefined;
    if (kind === ExchangeKind.Register) {
      this.registering--;
      this.counters.registerFailures++;
      this.backOff(d, now);
    } else if (kind === ExchangeKind.Deregister) {
      this.state[d] = State.Gone;
    }
    // A Send: the same message again in a new exchange (same values and time), queued now.
    this.enqueue(d, now);
  }

  /** Waits Max-Age (plus up to 10 % so a refused fleet does not come back in one burst). */
  private hold(d: number, maxAgeS: number, now: number): void {
    this.holdUntil[d] = now + maxAgeS * 1000 * (1 + Math.random() * 0.1);
  }

  /** A refused or unanswered Register: exponential back-off, capped at 60 s, randomized (as the simulator). */
  private backOff(d: number, now: number): void {
    const attempt = this.registerAttempts[d]!;
    this.registerAttempts[d] = Math.min(attempt + 1, 10);
    this.holdUntil[d] = now + Math.min(60_000, 2000 * 2 ** attempt) * (0.5 + Math.random());
  }

  /** A request from the server (none is expected here): 4.04 piggybacked when confirmable (§5.2.1). */
  private refuseRequest(d: number, msg: Buffer, type: number): void {
    if (type !== CoapType.Confirmable) return;
    try {
      const request = parseCoapMessage(msg);
      this.sockets[d]!.send(
        serializeCoapMessage({
          type: CoapType.Acknowledgement,
          code: CoapCode.NotFound,
          messageId: request.messageId,
          token: request.token,
          options: [],
          payload: Buffer.alloc(0),
        }),
      );
    } catch {
      // malformed: ignored
    }
  }
}

function maxAgeOf(msg: Buffer): number {
  try {
    return uintOptionOf(parseCoapMessage(msg), CoapOption.MaxAge) ?? DEFAULT_MAX_AGE_S;
  } catch {
    return DEFAULT_MAX_AGE_S;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
