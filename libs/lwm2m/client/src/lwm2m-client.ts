import {
  type BlockSettings,
  type Clock,
  CoapCode,
  CoapEndpoint,
  type CoapExchange,
  type CoapOptionValue,
  CoapOption,
  CoapRequestError,
  type CoapResponse,
  type CoapTiming,
  type DatagramTransport,
  locationPathOf,
  maxTransmitWaitMs,
  type OutgoingRequest,
  type Peer,
  type RandomSource,
  stringOptions,
  systemClock,
  type TimerHandle,
  uintOption,
} from '@smartcity/coap';
import { ContentFormat } from '@smartcity/lwm2m-codec';
import { Lwm2mPath, type Lwm2mRecord, serializeRegistrationParams } from '@smartcity/lwm2m-core';
import { type ClientLogger, SILENT_LOGGER } from './client-logger';
import { AttributeStore } from './observe/attribute-store';
import { type Observation, ObservationManager } from './observe/observation-manager';
import { defaultPayloadCodec, type PayloadCodec } from './payload-codec';
import { registrationLinks } from './registration/registration-payload';
import { type ClientReply, RequestRouter } from './request-router';
import { type ObjectTree } from './tree/object-tree';

export type ClientState = 'stopped' | 'registering' | 'registered' | 'sleeping';

export interface Lwm2mClientOptions {
  readonly endpoint: string;
  /** The LwM2M server; with a DTLS transport, the address the transport opens its session to. */
  readonly server: Peer;
  readonly tree: ObjectTree;
  /** Plain UDP (`UdpTransport`) or DTLS (`coaps`): one transport = one source port, as a device has. */
  readonly transport: DatagramTransport;
  /** Registration lifetime in seconds (Core 1.1.1 §6.2.1 "lt"); default 300. */
  readonly lifetime?: number;
  readonly lwm2mVersion?: '1.0' | '1.1';
  /**
   * Queue mode (Core 1.1.1 §6.5... "Queue Mode Operation"): the client stays reachable `awakeMs` after its last
   * exchange (default MAX_TRANSMIT_WAIT, 93 s), then sleeps; it wakes to send and announces it with an Update.
   */
  readonly queueMode?: { readonly awakeMs?: number } | false;
  /** Notifications as CON (default; RST or no ACK ends the observation) or NON. */
  readonly confirmableNotifications?: boolean;
  /** Format of multi-value payloads when the server does not ask for one; default SenML CBOR (1.1) or TLV (1.0). */
  readonly preferredFormat?: number;
  readonly codec?: PayloadCodec;
  readonly timing?: Partial<CoapTiming>;
  readonly block?: Partial<BlockSettings>;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  readonly randomBytes?: (size: number) => Buffer;
  readonly logger?: ClientLogger;
  /** Fraction of the lifetime after which the registration is refreshed by an Update; default 0.9. */
  readonly refreshRatio?: number;
}

export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
  constructor(
    /** The CoAP response code (wire byte). */
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Formats the client announces in the root link's `ct` (LwM2M 1.1, Core 1.1.1 §6.2.1). */
const ANNOUNCED_FORMATS = [
  ContentFormat.SENML_CBOR,
  ContentFormat.SENML_JSON,
  ContentFormat.TLV,
  ContentFormat.LWM2M_CBOR,
];

/**
 * An LwM2M client (Core 1.1.1 §6): registers its object tree with one server, keeps the registration alive with
 * Updates before the lifetime ends (re-registering when the server lost it), answers device-management requests,
 * maintains observations and sends data with Send. It runs on the project's one CoAP stack (`@smartcity/coap`)
 * over any datagram transport, with time and randomness injected.
 */
export class Lwm2mClient {
  readonly endpointName: string;
  private readonly coap: CoapEndpoint;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly attributes = new AttributeStore();
  private readonly observations: ObservationManager;
  private readonly router: RequestRouter;
  private readonly codec: PayloadCodec;
  private readonly logger: ClientLogger;
  private readonly lifetime: number;
  private readonly lwm2mVersion: '1.0' | '1.1';
  private started: Promise<void> | undefined;
  private location: string[] | undefined;
  private refreshTimer: TimerHandle | undefined;
  private sleepTimer: TimerHandle | undefined;
  private waking: Promise<void> | undefined;
  private observeSeq = 0;
  private currentState: ClientState = 'stopped';
  private readonly stateListeners: Array<(s: ClientState) => void> = [];

  constructor(private readonly options: Lwm2mClientOptions) {
    this.endpointName = options.endpoint;
    this.codec = options.codec ?? defaultPayloadCodec();
    this.logger = options.logger ?? SILENT_LOGGER;
    this.lifetime = options.lifetime ?? 300;
    this.lwm2mVersion = options.lwm2mVersion ?? '1.1';
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.coap = new CoapEndpoint({
      transport: options.transport,
      clock: this.clock,
      random: this.random,
      ...(options.randomBytes ? { randomBytes: options.randomBytes } : {}),
      ...(options.timing ? { timing: options.timing } : {}),
      ...(options.block ? { block: options.block } : {}),
      // Shorter tokens keep a device's datagrams small; 4 random bytes suffice toward its one server.
      tokenLength: 4,
      onNotificationReset: (peer, token) => this.observations.cancel(`${peer.key}#${token.toString('hex')}`),
    });
    this.observations = new ObservationManager(
      this.attributes,
      {
        numericValue: (path) => {
          const v = options.tree.get(path);
          return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
        },
        notify: (obs) => this.sendNotification(obs),
        serverDefaults: () => this.serverDefaults(),
      },
      this.clock,
    );
    this.router = new RequestRouter({
      tree: options.tree,
      attributes: this.attributes,
      observations: this.observations,
      codec: this.codec,
      logger: this.logger,
      preferredFormat:
        options.preferredFormat ??
        (this.lwm2mVersion === '1.0' ? ContentFormat.TLV : ContentFormat.SENML_CBOR),
      nextObserveSeq: () => this.nextSeq(),
    });
    options.tree.onChange((path) => this.observations.changed(path));
  }

  get state(): ClientState {
    return this.currentState;
  }

  /** The local port (after `start` or the first `register`). */
  get localPort(): number {
    return this.coap.localAddress().port;
  }

  get registrationLocation(): string | undefined {
    return this.location ? '/' + this.location.join('/') : undefined;
  }

  get observationCount(): number {
    return this.observations.size;
  }

  onStateChange(listener: (state: ClientState) => void): void {
    this.stateListeners.push(listener);
  }

  /** Opens the transport (binds the socket); `register` does it when needed. */
  start(): Promise<void> {
    this.started ??= this.coap.start((exchange) => this.onRequest(exchange));
    return this.started;
  }

  /** Register (Core 1.1.1 §6.2.1): POST /rd?ep=..&lt=..&lwm2m=..&b=U[&Q] with the object links. */
  async register(): Promise<void> {
    await this.start();
    this.setState('registering');
    const query = serializeRegistrationParams({
      endpoint: this.endpointName,
      lifetime: this.lifetime,
      lwm2mVersion: this.lwm2mVersion,
      binding: this.lwm2mVersion === '1.0' && this.queueMode ? 'UQ' : 'U',
      queueMode: this.queueMode,
    });
    let response: CoapResponse;
    try {
      response = await this.request({
        code: CoapCode.POST,
        options: [
          ...stringOptions(CoapOption.UriPath, ['rd']),
          uintOption(CoapOption.ContentFormat, ContentFormat.LINK),
          ...stringOptions(CoapOption.UriQuery, query),
        ],
        payload: Buffer.from(this.links(), 'utf8'),
      });
    } catch (error) {
      this.setState('stopped');
      throw error;
    }
    const location = locationPathOf(response.message);
    if (response.message.code !== CoapCode.Created || location.length === 0) {
      this.setState('stopped');
      throw new RegistrationError(response.message.code, `Register refused with ${codeText(response)}`);
    }
    this.location = location;
    this.logger.info({ location: this.registrationLocation, lifetime: this.lifetime }, 'registered');
    this.setState('registered');
    this.scheduleRefresh();
    this.touch();
  }

  /**
   * Update (Core 1.1.1 §6.2.2): POST /rd/{location}, with the objects when they changed. A 4.04 means the server
   * forgot the registration: the client registers again (§6.2.2, "the LwM2M Client MUST re-register").
   */
  async update(options: { objectsChanged?: boolean } = {}): Promise<void> {
    if (!this.location) return this.register();
    const response = await this.request({
      code: CoapCode.POST,
      options: [
        ...stringOptions(CoapOption.UriPath, this.location),
        ...(options.objectsChanged ? [uintOption(CoapOption.ContentFormat, ContentFormat.LINK)] : []),
      ],
      ...(options.objectsChanged ? { payload: Buffer.from(this.links(), 'utf8') } : {}),
    });
    if (response.message.code === CoapCode.NotFound) {
      this.location = undefined;
      this.observations.cancelAll();
      return this.register();
    }
    if (response.message.code >> 5 !== 2)
      throw new RegistrationError(response.message.code, `Update refused with ${codeText(response)}`);
    if (this.currentState === 'sleeping') this.setState('registered');
    this.scheduleRefresh();
  }

  /** De-register (Core 1.1.1 §6.2.3): DELETE /rd/{location}; observations end with the registration. */
  async deregister(): Promise<void> {
    this.clearTimers();
    this.observations.cancelAll();
    const location = this.location;
    this.location = undefined;
    this.setState('stopped');
    if (!location) return;
    try {
      await this.coap.request(this.options.server, {
        code: CoapCode.DELETE,
        options: stringOptions(CoapOption.UriPath, location),
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'de-register not acknowledged');
    }
  }

  /**
   * Send (Core 1.1.1 §6.4.1... "Send Operation"): POST /dp with the current values of `paths` (or the given
   * records), SenML CBOR by default; a body larger than a block goes in Block1 blocks (RFC 7959). Resolves with
   * the response code (2.04 expected).
   */
  async send(
    paths: readonly Lwm2mPath[],
    options: { format?: number; records?: readonly Lwm2mRecord[]; confirmable?: boolean } = {},
  ): Promise<number> {
    const format = options.format ?? ContentFormat.SENML_CBOR;
    const records = options.records ?? paths.flatMap((p) => this.options.tree.read(p));
    const payload = this.codec.encode(records, format, Lwm2mPath.ROOT, this.options.tree);
    const response = await this.request({
      code: CoapCode.POST,
      options: [...stringOptions(CoapOption.UriPath, ['dp']), uintOption(CoapOption.ContentFormat, format)],
      payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
      ...(options.confirmable === false ? { confirmable: false } : {}),
    });
    return response.message.code;
  }

  /** Stops everything: de-registers (unless told not to) and closes the transport. */
  async stop(options: { deregister?: boolean } = {}): Promise<void> {
    if (options.deregister !== false && this.started) await this.deregister();
    this.clearTimers();
    this.observations.cancelAll();
    this.setState('stopped');
    await this.coap.close();
  }

  /** Queue mode: goes to sleep now (tests and simulations of a sleepy device). */
  sleep(): void {
    if (!this.queueMode || this.currentState !== 'registered') return;
    this.clock.clearTimeout(this.sleepTimer);
    this.sleepTimer = undefined;
    this.setState('sleeping');
    this.logger.debug({}, 'sleeping');
  }

  /** Queue mode: wakes up and tells the server with an Update (Core 1.1.1 §6.5 "Queue Mode Operation"). */
  wake(): Promise<void> {
    if (this.currentState !== 'sleeping') return Promise.resolve();
    this.coap.setReceiving(true); // the Update's response must be heard
    this.waking ??= this.update().finally(() => {
      this.waking = undefined;
      this.touch();
    });
    return this.waking;
  }

  private get queueMode(): boolean {
    return !!this.options.queueMode;
  }

  private onRequest(exchange: CoapExchange): void {
    this.touch();
    this.router.handle(exchange).then(
      (reply) => exchange.respond(reply.code, replyOptions(reply), reply.payload),
      () => exchange.respond(CoapCode.InternalServerError),
    );
  }

  private async request(req: OutgoingRequest): Promise<CoapResponse> {
    const toRegistration = req.options?.some(
      (o) => o.number === CoapOption.UriPath && o.value.toString() === 'rd',
    );
    if (this.currentState === 'sleeping' && !toRegistration) await this.wake();
    this.touch();
    try {
      return await this.coap.request(this.options.server, req);
    } finally {
      this.touch();
    }
  }

  private async sendNotification(observation: Observation): Promise<boolean> {
    if (this.currentState === 'stopped' || this.currentState === 'registering') return false;
    if (this.currentState === 'sleeping') await this.wake();
    const records = observation.paths.flatMap((p) => {
      try {
        return this.options.tree.read(p);
      } catch {
        return []; // a deleted instance notifies an empty value set; the server sees it gone on its next Read
      }
    });
    const target = observation.composite ? Lwm2mPath.ROOT : (observation.paths[0] as Lwm2mPath);
    const reply = this.router.content(records, target, observation.contentFormat, this.nextSeq());
    this.touch();
    const outcome = await this.coap.notify(
      observation.peer,
      observation.token,
      { code: reply.code, options: replyOptions(reply), payload: reply.payload ?? Buffer.alloc(0) },
      this.options.confirmableNotifications !== false,
    );
    return outcome === 'acked' || outcome === 'sent';
  }

  private links(): string {
    return registrationLinks(this.options.tree, this.lwm2mVersion, ANNOUNCED_FORMATS);
  }

  /** Default pmin/pmax of the Server object instance (/1/x/2, /1/x/3), Core 1.1.1 §E.2. */
  private serverDefaults(): { pmin?: number; pmax?: number } {
    const tree = this.options.tree;
    const iid = tree.instanceIds(1)[0];
    if (iid === undefined) return {};
    const pmin = tree.get(new Lwm2mPath(1, iid, 2));
    const pmax = tree.get(new Lwm2mPath(1, iid, 3));
    return {
      ...(typeof pmin === 'number' ? { pmin } : {}),
      ...(typeof pmax === 'number' ? { pmax } : {}),
    };
  }

  private nextSeq(): number {
    // RFC 7641 §4.4: 24-bit sequence numbers, increasing per notification.
    this.observeSeq = (this.observeSeq + 1) & 0xffffff;
    return this.observeSeq;
  }

  private scheduleRefresh(): void {
    this.clock.clearTimeout(this.refreshTimer);
    const ratio = this.options.refreshRatio ?? 0.9;
    const delay = Math.max(1000, this.lifetime * 1000 * ratio);
    this.refreshTimer = this.clock.setTimeout(() => void this.refresh(), delay);
  }

  private async refresh(): Promise<void> {
    try {
      await this.update();
    } catch (error) {
      // The server did not answer: try to register afresh after a pause, as a device would after a network loss.
      this.logger.warn(
        { err: error instanceof CoapRequestError ? error.reason : String(error) },
        'update failed',
      );
      this.location = undefined;
      this.observations.cancelAll();
      this.refreshTimer = this.clock.setTimeout(
        () => void this.reRegister(),
        5000 + Math.floor(this.random() * 5000),
      );
    }
  }

  private async reRegister(): Promise<void> {
    try {
      await this.register();
    } catch {
      this.refreshTimer = this.clock.setTimeout(() => void this.reRegister(), 30_000);
    }
  }

  /** Queue mode: any exchange keeps the client awake for another `awakeMs`. */
  private touch(): void {
    if (!this.queueMode || this.currentState !== 'registered') return;
    this.clock.clearTimeout(this.sleepTimer);
    const awake =
      (this.options.queueMode && this.options.queueMode.awakeMs) || maxTransmitWaitMs(this.coap.timing);
    this.sleepTimer = this.clock.setTimeout(() => this.sleep(), awake);
  }

  private clearTimers(): void {
    this.clock.clearTimeout(this.refreshTimer);
    this.clock.clearTimeout(this.sleepTimer);
    this.refreshTimer = undefined;
    this.sleepTimer = undefined;
  }

  private setState(state: ClientState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    // A sleeping device's radio is off: requests are lost, the server waits for the next Update (§6.5).
    this.coap.setReceiving(state !== 'sleeping');
    for (const l of this.stateListeners) l(state);
  }
}

/** The CoAP options of a reply: Observe, Location-Path, Content-Format (RFC 7252 §5.10, RFC 7641). */
function replyOptions(reply: ClientReply): CoapOptionValue[] {
  const options: CoapOptionValue[] = [];
  if (reply.observe !== undefined) options.push(uintOption(CoapOption.Observe, reply.observe));
  if (reply.locationPath) options.push(...stringOptions(CoapOption.LocationPath, reply.locationPath));
  if (reply.contentFormat !== undefined)
    options.push(uintOption(CoapOption.ContentFormat, reply.contentFormat));
  return options;
}

function codeText(response: CoapResponse): string {
  const c = response.message.code;
  return `${c >> 5}.${String(c & 31).padStart(2, '0')}`;
}
