import {
  type Clock,
  CoapCode,
  CoapEndpoint,
  type CoapExchange,
  CoapOption,
  type DatagramTransport,
  type Peer,
  stringOptions,
  systemClock,
  uintOption,
  uintOptionOf,
  uriPathOf,
} from '@smartcity/coap';
import { ContentFormat } from '@smartcity/lwm2m-codec';
import {
  type ModelProvider,
  Lwm2mPath,
  type Lwm2mRecord,
  SECURITY_1_2,
  SERVER_1_2,
  staticModelProvider,
} from '@smartcity/lwm2m-core';
import { defaultPayloadCodec, type PayloadCodec } from '../payload-codec';

/** The LwM2M server account a bootstrap server wrote (Security /0 and Server /1 instances, Core 1.1.1 §E.1-§E.2). */
export interface BootstrappedAccount {
  readonly serverUri: string;
  /** Security Mode (Core 1.1.1 §E.1 resource 2): 0 PSK, 1 RPK, 2 certificate, 3 NoSec. */
  readonly securityMode: number;
  /** PSK identity (resource 3 as UTF-8) and key (resource 5) in PSK mode. Secrets: never log them. */
  readonly pskIdentity?: string;
  readonly pskKey?: Buffer;
  readonly shortServerId: number;
  readonly lifetime: number;
  readonly binding: string;
  /** Default Minimum/Maximum Period of observations (Server resources 2 and 3), when the server wrote them. */
  readonly defaultMinPeriod?: number;
  readonly defaultMaxPeriod?: number;
  /** Instances of the device's other objects the server wrote (e.g. a uCIFI lighting default), in write order. */
  readonly objectWrites: readonly { readonly path: string; readonly records: readonly Lwm2mRecord[] }[];
}

export class BootstrapError extends Error {
  override readonly name = 'BootstrapError';
}

export interface BootstrapClientOptions {
  readonly endpoint: string;
  /** The Bootstrap-Server; with a DTLS transport (the vendor credential), the address it opens its session to. */
  readonly server: Peer;
  readonly transport: DatagramTransport;
  /** `pct` of the Bootstrap-Request (Core 1.1.1 §6.1.7.1); default SenML CBOR. */
  readonly preferredFormat?: number;
  /** Bound of the whole sequence, ms (default 120 s). */
  readonly timeoutMs?: number;
  readonly clock?: Clock;
  readonly codec?: PayloadCodec;
  /**
   * Models of the device's objects other than /0 and /1 that a bootstrap server may write (§6.1.7.4); writes to
   * objects it does not know are answered 4.04 Not Found.
   */
  readonly objects?: ModelProvider;
}

const MODELS = staticModelProvider([SECURITY_1_2, SERVER_1_2]);
/** The Bootstrap-Server account's instance: kept by Bootstrap-Delete (§6.1.7.5), listed by Bootstrap-Discover. */
const BOOTSTRAP_INSTANCE = 0;
/** Explicit limit: instances a bootstrap server may create per object in one sequence. */
const MAX_INSTANCES = 8;
/** Explicit limit: instances of other objects a bootstrap server may write in one sequence. */
const MAX_OBJECT_WRITES = 16;

/**
 * Client-initiated bootstrap (LwM2M Core 1.1.1 §6.1.3) on its own CoAP endpoint: Bootstrap-Request `POST /bs?ep&pct`,
 * then the server's Bootstrap-Delete, -Discover and -Write of /0 and /1 and its Bootstrap-Finish, answered here;
 * resolves with the LwM2M server account that was written (the caller then registers with it, e.g. through a
 * `Lwm2mClient` on a DTLS transport with the account's PSK). Bootstrap-Finish is answered 4.06 Not Acceptable when
 * no Security instance matches a Server instance's Short Server ID (§6.1.7.6), and the sequence fails.
 */
export async function bootstrapClient(options: BootstrapClientOptions): Promise<BootstrappedAccount> {
  const clock = options.clock ?? systemClock;
  const codec = options.codec ?? defaultPayloadCodec();
  const security = new Map<number, Lwm2mRecord[]>();
  const servers = new Map<number, Lwm2mRecord[]>();
  const objectWrites = new Map<string, Lwm2mRecord[]>();
  const models: ModelProvider = {
    getObjectModel: (id) => MODELS.getObjectModel(id) ?? options.objects?.getObjectModel(id),
  };
  const coap = new CoapEndpoint({ transport: options.transport, clock });
  let settle!: { resolve: (a: BootstrappedAccount) => void; reject: (e: Error) => void };
  const finished = new Promise<BootstrappedAccount>((resolve, reject) => (settle = { resolve, reject }));
  // Observed by the race below or by the final await; never an unhandled rejection if the request fails first.
  finished.catch(() => undefined);

  const onRequest = (exchange: CoapExchange): void => {
    const { request } = exchange;
    const segments = uriPathOf(request);
    if (segments.length === 1 && segments[0] === 'bs' && request.code === CoapCode.POST) {
      const account = accountOf(security, servers, objectWrites);
      if (!account) {
        exchange.respond(CoapCode.NotAcceptable);
        settle.reject(new BootstrapError('Bootstrap-Finish: no consistent LwM2M server account was written'));
        return;
      }
      exchange.respond(CoapCode.Changed);
      settle.resolve(account);
      return;
    }
    const path = Lwm2mPath.tryParse('/' + segments.join('/'));
    const other = path !== undefined && path.level !== 'root' && path.objectId !== 0 && path.objectId !== 1;
    if (!path || (other && !options.objects?.getObjectModel(path.objectId!))) {
      exchange.respond(CoapCode.NotFound);
      return;
    }
    switch (request.code) {
      case CoapCode.DELETE:
        // §6.1.7.5: "/" or "/0" and "/1" delete every instance but the Bootstrap-Server account's.
        if (path.level === 'root' || path.objectId === 0) forget(security, path);
        if (path.level === 'root' || path.objectId === 1) forget(servers, path);
        exchange.respond(CoapCode.Deleted);
        return;
      case CoapCode.GET: {
        const accept = uintOptionOf(request, CoapOption.Accept);
        if (accept !== ContentFormat.LINK) {
          readServer(exchange, path, accept);
          return;
        }
        // Bootstrap-Discover (§6.1.7.2): the objects and their instances.
        const links = [
          '</>;lwm2m=1.1',
          `</0/${BOOTSTRAP_INSTANCE}>`,
          ...[...security.keys()].map((i) => `</0/${i}>`),
        ];
        if (path.objectId !== 0) links.push('</1>', ...[...servers.keys()].map((i) => `</1/${i}>`));
        exchange.respond(
          CoapCode.Content,
          [uintOption(CoapOption.ContentFormat, ContentFormat.LINK)],
          Buffer.from(links.join(','), 'utf8'),
        );
        return;
      }
      case CoapCode.PUT: {
        const format = uintOptionOf(request, CoapOption.ContentFormat);
        if (path.level !== 'instance' || format === undefined || !codec.canDecode(format)) {
          exchange.respond(
            format === undefined || codec.canDecode(format)
              ? CoapCode.BadRequest
              : CoapCode.UnsupportedContentFormat,
          );
          return;
        }
        if (path.objectId === 0 && path.instanceId === BOOTSTRAP_INSTANCE) {
          exchange.respond(CoapCode.BadRequest);
          return;
        }
        if (other) {
          writeObject(exchange, path, format);
          return;
        }
        const store = path.objectId === 0 ? security : servers;
        if (!store.has(path.instanceId!) && store.size >= MAX_INSTANCES) {
          exchange.respond(CoapCode.BadRequest);
          return;
        }
        try {
          store.set(path.instanceId!, codec.decode(request.payload, format, path, MODELS));
        } catch {
          exchange.respond(CoapCode.BadRequest);
          return;
        }
        exchange.respond(CoapCode.Changed);
        return;
      }
      default:
        exchange.respond(CoapCode.MethodNotAllowed);
    }
  };

  /**
   * Bootstrap-Read (§6.1.7.3) is for the Server object (and Access Control, which this client has not): an instance
   * written in this sequence, in the format asked for (default TLV). Reading anything else is 4.05.
   */
  const readServer = (exchange: CoapExchange, path: Lwm2mPath, accept: number | undefined): void => {
    const format = accept ?? ContentFormat.TLV;
    if (path.objectId !== 1 || path.level !== 'instance') {
      exchange.respond(CoapCode.MethodNotAllowed);
      return;
    }
    const records = servers.get(path.instanceId!);
    if (!records) {
      exchange.respond(CoapCode.NotFound);
      return;
    }
    if (!codec.canEncode(format)) {
      exchange.respond(CoapCode.NotAcceptable);
      return;
    }
    exchange.respond(
      CoapCode.Content,
      [uintOption(CoapOption.ContentFormat, format)],
      Buffer.from(codec.encode(records, format, path, MODELS)),
    );
  };
  /** A write of another object's instance (§6.1.7.4): kept, bounded, and returned with the account. */
  const writeObject = (exchange: CoapExchange, path: Lwm2mPath, format: number): void => {
    const key = path.toString();
    if (!objectWrites.has(key) && objectWrites.size >= MAX_OBJECT_WRITES) {
      exchange.respond(CoapCode.BadRequest);
      return;
    }
    try {
      objectWrites.set(key, codec.decode(exchange.request.payload, format, path, models));
    } catch {
      exchange.respond(CoapCode.BadRequest);
      return;
    }
    exchange.respond(CoapCode.Changed);
  };

  await coap.start(onRequest);
  const timer = clock.setTimeout(
    () => settle.reject(new BootstrapError('the bootstrap sequence did not finish in time')),
    options.timeoutMs ?? 120_000,
  );
  try {
    const query = [`ep=${options.endpoint}`, `pct=${options.preferredFormat ?? ContentFormat.SENML_CBOR}`];
    // The deadline bounds the Bootstrap-Request too (a handshake the server refuses may never answer it): a
    // timeout while it is pending rejects here rather than leaving `finished` rejected with nobody waiting.
    const response = await Promise.race([
      coap.request(options.server, {
        code: CoapCode.POST,
        options: [...stringOptions(CoapOption.UriPath, ['bs']), ...stringOptions(CoapOption.UriQuery, query)],
      }),
      finished.then(() => new Promise<never>(() => undefined)),
    ]);
    if (response.message.code !== CoapCode.Changed) {
      const code = response.message.code;
      throw new BootstrapError(
        `Bootstrap-Request refused: ${code >> 5}.${String(code & 31).padStart(2, '0')}`,
      );
    }
    return await finished;
  } finally {
    clock.clearTimeout(timer);
    // Let the Finish's 2.04 leave before the endpoint closes.
    await coap.drain(1000).catch(() => undefined);
    await coap.close();
  }
}

function forget(store: Map<number, Lwm2mRecord[]>, path: Lwm2mPath): void {
  if (path.instanceId === undefined) store.clear();
  else store.delete(path.instanceId);
}

/** The first Security instance (not a Bootstrap-Server's) whose Short Server ID a Server instance has. */
function accountOf(
  security: ReadonlyMap<number, Lwm2mRecord[]>,
  servers: ReadonlyMap<number, Lwm2mRecord[]>,
  objectWrites: ReadonlyMap<string, Lwm2mRecord[]>,
): BootstrappedAccount | undefined {
  const value = (records: readonly Lwm2mRecord[], id: number) =>
    records.find((r) => r.path.resourceId === id)?.value;
  for (const records of security.values()) {
    if (value(records, 1) === true) continue;
    const ssid = Number(value(records, 10));
    const server = [...servers.values()].find((s) => Number(value(s, 0)) === ssid);
    const uri = value(records, 0);
    if (!server || typeof uri !== 'string') continue;
    const identity = value(records, 3);
    const key = value(records, 5);
    const pmin = value(server, 2);
    const pmax = value(server, 3);
    return {
      serverUri: uri,
      securityMode: Number(value(records, 2) ?? 3),
      ...(identity instanceof Uint8Array ? { pskIdentity: Buffer.from(identity).toString('utf8') } : {}),
      ...(key instanceof Uint8Array ? { pskKey: Buffer.from(key) } : {}),
      shortServerId: ssid,
      lifetime: Number(value(server, 1) ?? 86_400),
      binding: String(value(server, 7) ?? 'U'),
      ...(pmin !== undefined ? { defaultMinPeriod: Number(pmin) } : {}),
      ...(pmax !== undefined ? { defaultMaxPeriod: Number(pmax) } : {}),
      objectWrites: [...objectWrites].map(([path, written]) => ({ path, records: written })),
    };
  }
  return undefined;
}
