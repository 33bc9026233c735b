import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import {
  CHANGED,
  CoapType,
  code,
  codeText,
  type CoapMessage,
  CREATED,
  decode,
  encode,
  Opt,
  optionStrings,
  optionUint,
  POST,
  stringOptions,
  uint,
} from './coap-wire';

/**
 * CoAP transmission parameters (RFC 7252 §4.8): a CON is retransmitted after ACK_TIMEOUT x [1, ACK_RANDOM_FACTOR],
 * doubling, MAX_RETRANSMIT times; EXCHANGE_LIFETIME bounds how long a server request's MID is remembered (§4.8.2).
 */
const ACK_TIMEOUT_MS = 2000;
const ACK_RANDOM_FACTOR = 1.5;
const MAX_RETRANSMIT = 4;
const EXCHANGE_LIFETIME_MS = 247_000;
/** How long a separate response may follow an empty ACK (§5.2.2) before the request counts as lost. */
const SEPARATE_RESPONSE_MS = 30_000;
/** Retry delay when a 5.03 / 4.29 carries no Max-Age: RFC 7252 §5.10.5 default 60 s, capped to keep runs moving. */
const DEFAULT_RETRY_S = 10;
const CONTENT_FORMAT_LINK = 40;
const CONTENT_FORMAT_SENML_JSON = 110;

/** Which ingest a device's datagrams reach: the load balancer in front of the instances (source affinity). */
export interface Router {
  target(deviceIndex: number): number;
}

/** One value set of a Send: a unique sequence number at the device's own time, and the battery flag. */
export interface Reading {
  readonly seq: number;
  /** Device time, seconds since the epoch (SenML `t`, absolute). */
  readonly time: number;
  readonly lowBattery: boolean;
}

export interface DeviceEvents {
  /** The Send carrying this reading was answered 2.04: the ingest says Kafka has it. */
  acked(device: ChaosDevice, reading: Reading): void;
  /** A server request was executed (Execute on /3/0/4 with the command id as argument), counted once per MID. */
  executed(device: ChaosDevice, commandId: string): void;
  /** Counters: 5.03/4.29 answers, exchanges that timed out, re-registrations, other refusals. */
  count(what: 'unavailable' | 'timeout' | 'reregistered' | 'rejected' | 'attempt'): void;
}

class ExchangeTimeout extends Error {}

/** Refusals printed (the first few; all are counted). */
let refusalsShown = 0;

/**
 * A simulated LwM2M 1.1 device over raw CoAP/UDP (LwM2M Core 1.1.1 §6.2 Register/Update, §6.4.6 Send; Transport
 * §6.4): one socket (its source address is its identity to the server), one exchange at a time (NSTART = 1,
 * RFC 7252 §4.7), CON with retransmission keeping the MID, a new MID after a 5.03 or 4.29 once Max-Age passed, a
 * new registration when the server forgot it (4.03/4.04). Readings queue while an exchange is pending and go in
 * order, each until acknowledged.
 */
export class ChaosDevice {
  private socket: Socket | undefined;
  private nextMid = Math.floor(Math.random() * 0xffff);
  private location: string[] | undefined;
  private updateDue = 0;
  private readonly queue: Reading[] = [];
  private pending:
    | {
        mid: number;
        token: Buffer;
        resolve: (m: CoapMessage) => void;
        fail: () => void;
        separate: boolean;
      }
    | undefined;
  private readonly served = new Map<string, { at: number; reply: Buffer }>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    readonly index: number,
    readonly endpoint: string,
    private readonly router: Router,
    private readonly events: DeviceEvents,
    private readonly lifetimeS: number,
  ) {}

  get backlog(): number {
    return this.queue.length;
  }

  get registered(): boolean {
    return this.location !== undefined;
  }

  async start(): Promise<void> {
    const socket = createSocket('udp4');
    socket.on('message', (data, from) => this.onDatagram(data, socket, from));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    this.socket = socket;
    this.running = true;
    this.loop = this.run();
  }

  push(reading: Reading): void {
    this.queue.push(reading);
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    this.pending?.fail();
    await this.loop;
    this.socket?.close();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!this.location) await this.register();
        else if (Date.now() >= this.updateDue) await this.update();
        else if (this.queue.length > 0) await this.send(this.queue[0]!);
        else await this.idle(Math.max(10, this.updateDue - Date.now()));
      } catch (err) {
        if (err instanceof ExchangeTimeout) {
          if (this.running) this.events.count('timeout');
          continue;
        }
        process.stderr.write(`${this.endpoint}: ${String(err)}\n`);
        await this.idle(1000, true);
      }
    }
  }

  /** Register (Core 1.1.1 §6.2.1): POST /rd?ep=..&lt=..&lwm2m=1.1&b=U with the object links -> 2.01 Location. */
  private async register(): Promise<void> {
    const res = await this.request(POST, ['rd'], {
      query: [`ep=${this.endpoint}`, `lt=${this.lifetimeS}`, 'lwm2m=1.1', 'b=U'],
      contentFormat: CONTENT_FORMAT_LINK,
      payload: Buffer.from('</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>,</3303/0>,</3411/0>'),
    });
    if (res.code === CREATED) {
      this.location = optionStrings(res, Opt.LocationPath);
      this.updateDue = Date.now() + (this.lifetimeS * 1000) / 2;
    } else await this.backOff(res);
  }

  /** Update (Core 1.1.1 §6.2.2) at half the lifetime; a 4.04 means the server lost it: register again. */
  private async update(): Promise<void> {
    const res = await this.request(POST, this.location!, {});
    if (res.code === CHANGED) this.updateDue = Date.now() + (this.lifetimeS * 1000) / 2;
    else if (res.code === code(4, 4)) this.forget();
    else await this.backOff(res);
  }

  /** Send (Core 1.1.1 §6.4.6, POST /dp) of one reading as SenML JSON with absolute times (RFC 8428). */
  private async send(r: Reading): Promise<void> {
    const records = [
      { n: '/3303/0/5700', t: r.time, v: r.seq },
      { n: '/3411/0/6', t: r.time, vb: r.lowBattery },
    ];
    const res = await this.request(POST, ['dp'], {
      contentFormat: CONTENT_FORMAT_SENML_JSON,
      payload: Buffer.from(JSON.stringify(records)),
    });
    if (res.code === CHANGED) {
      this.queue.shift();
      this.events.acked(this, r);
    } else if (res.code === code(4, 3) || res.code === code(4, 4)) this.forget();
    else await this.backOff(res);
  }

  private forget(): void {
    this.location = undefined;
    this.events.count('reregistered');
  }

  /** 5.03 / 4.29: wait Max-Age (RFC 7252 §5.9.3.4, RFC 8516), then retry with a new message. Else a refusal. */
  private async backOff(res: CoapMessage): Promise<void> {
    if (res.code === code(5, 3) || res.code === code(4, 29)) {
      this.events.count('unavailable');
      await this.idle((optionUint(res, Opt.MaxAge) ?? DEFAULT_RETRY_S) * 1000, true);
      return;
    }
    this.events.count('rejected');
    if (++refusalsShown <= 20) {
      process.stderr.write(
        `${this.endpoint}: refused with ${codeText(res.code)} ${res.payload.toString()}\n`,
      );
    }
    if (this.queue.length > 0 && this.location) this.queue.shift(); // a 4.xx is final for that message
    await this.idle(1000, true);
  }

  /** A CON request; resolves with its response (piggybacked, or separate after an empty ACK). */
  private async request(
    method: number,
    path: readonly string[],
    o: { query?: string[]; contentFormat?: number; payload?: Buffer },
  ): Promise<CoapMessage> {
    const mid = (this.nextMid = (this.nextMid + 1) & 0xffff);
    const token = randomBytes(4);
    const datagram = encode({
      type: CoapType.CON,
      code: method,
      messageId: mid,
      token,
      options: [
        ...stringOptions(Opt.UriPath, path),
        ...(o.contentFormat !== undefined
          ? [{ number: Opt.ContentFormat, value: uint(o.contentFormat) }]
          : []),
        ...stringOptions(Opt.UriQuery, o.query ?? []),
      ],
      payload: o.payload ?? Buffer.alloc(0),
    });
    this.events.count('attempt');
    return new Promise<CoapMessage>((resolve, reject) => {
      let attempt = 0;
      let timeout = ACK_TIMEOUT_MS * (1 + Math.random() * (ACK_RANDOM_FACTOR - 1));
      let timer: NodeJS.Timeout;
      const transmit = () => {
        // Each (re)transmission goes where the load balancer routes now: a dead instance's devices move.
        this.socket?.send(datagram, this.router.target(this.index), '127.0.0.1');
        if (this.pending?.separate) return;
        timer = setTimeout(() => {
          if (this.pending?.separate) {
            timer = setTimeout(fail, SEPARATE_RESPONSE_MS);
            return;
          }
          if (++attempt > MAX_RETRANSMIT || !this.running) return fail();
          timeout *= 2;
          transmit();
        }, timeout);
      };
      const fail = () => {
        clearTimeout(timer);
        this.pending = undefined;
        reject(new ExchangeTimeout(`no response to MID ${mid}`));
      };
      this.pending = {
        mid,
        token,
        separate: false,
        fail,
        resolve: (m) => {
          clearTimeout(timer);
          this.pending = undefined;
          resolve(m);
        },
      };
      transmit();
    });
  }

  private onDatagram(data: Buffer, socket: Socket, from: RemoteInfo): void {
    const m = decode(data);
    if (!m) return;
    const p = this.pending;
    if (m.type === CoapType.ACK || m.type === CoapType.RST) {
      if (!p || m.messageId !== p.mid) return;
      if (m.type === CoapType.RST) return p.resolve({ ...m, code: code(5, 3) });
      if (m.code === 0)
        p.separate = true; // empty ACK: the response follows (RFC 7252 §5.2.2)
      else p.resolve(m);
      return;
    }
    if (m.code >= 64) {
      // A separate response (CON or NON): acknowledge a CON, match by token.
      if (m.type === CoapType.CON) this.reply(socket, from, m, 0);
      if (p && m.token.equals(p.token)) p.resolve(m);
      return;
    }
    this.serve(socket, from, m);
  }

  /**
   * A server request (Execute of a command): answered 2.04 piggybacked. A retransmission (same MID, RFC 7252 §4.5)
   * gets the same answer and is not executed again.
   */
  private serve(socket: Socket, from: RemoteInfo, m: CoapMessage): void {
    const now = Date.now();
    const key = `${from.port}/${m.messageId}`;
    const seen = this.served.get(key);
    if (seen && now - seen.at < EXCHANGE_LIFETIME_MS) {
      socket.send(seen.reply, from.port, from.address);
      return;
    }
    const path = optionStrings(m, Opt.UriPath).join('/');
    let answer = code(4, 4);
    if (m.code === POST && path === '3/0/4') {
      const id = /^0='([^']+)'$/.exec(m.payload.toString('utf8'))?.[1];
      if (id) {
        this.events.executed(this, id);
        answer = CHANGED;
      } else answer = code(4, 0);
    }
    const reply = this.reply(socket, from, m, answer);
    this.served.set(key, { at: now, reply });
    if (this.served.size > 512) {
      for (const [k, v] of this.served) if (now - v.at >= EXCHANGE_LIFETIME_MS) this.served.delete(k);
    }
  }

  private reply(socket: Socket, from: RemoteInfo, to: CoapMessage, answer: number): Buffer {
    const datagram = encode({
      type: to.type === CoapType.CON ? CoapType.ACK : CoapType.NON,
      code: answer,
      messageId: to.type === CoapType.CON ? to.messageId : (this.nextMid = (this.nextMid + 1) & 0xffff),
      token: answer === 0 ? Buffer.alloc(0) : to.token,
      options: [],
      payload: Buffer.alloc(0),
    });
    socket.send(datagram, from.port, from.address);
    return datagram;
  }

  /** Waits ms, or until a reading is pushed (unless `full`: a Max-Age is waited out whatever arrives). */
  private idle(ms: number, full = false): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (!full) this.wake = done;
      else if (!this.running) done();
    });
  }
}
