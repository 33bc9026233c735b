import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Driver of an Eclipse Leshan LwM2M client (leshan-client-cf 2.0.0-M15: Californium 3.12, Scandium for DTLS) run as
 * a JVM: the harness in src/main/java reads JSON commands on stdin and writes JSON events on stdout. The LwM2M
 * behaviour under test (registration engine, SenML/TLV codecs, Observe, DTLS) is Leshan's own.
 *
 * Commands: start, set, send, update, deregister, rebind, instances, stop (see the methods below). Events (`event` field):
 *  - ready; ok / error (answer to a command, with its id);
 *  - bootstrap-started, bootstrapped, bootstrap-failed {code, name, message}, bootstrap-timeout (with `bootstrap`);
 *  - registered {registrationId, localPort}, registration-failed {code, name, message}, registration-timeout,
 *    updated, update-failed, update-timeout, deregistered, deregistration-failed, deregistration-timeout;
 *  - request {op, method, path, query, observe, accept, contentFormat, token, payload} for each server request
 *    (op: read, discover, observe, cancel-observe, read-composite, observe-composite, cancel-observe-composite,
 *    write, write-attributes, write-composite, execute, create, delete), response {code, ...} for its answer,
 *    notification {code, observe, contentFormat, token, payload} for each later notification (payload base64);
 *  - written {path, value, replace}, executed {path, arguments}: what the object instances received;
 *  - uplink {method, path, query, contentFormat, payload}, uplink-response {code, location}: the client's own
 *    requests (Register, Update, Send, De-register) and the server's answers;
 *  - sent {code} / send-failed {code | error} for a Send;
 *  - dtls-handshake-started {full}, dtls-handshake-ok {cipherSuite, cidWrite, cidRead, full},
 *    dtls-handshake-failed {error, alert: {level, description}}, dtls-alert {alert} (received from the server);
 *  - rebound {from, to}, instances {security: [{id, uri, bootstrap, mode, shortServerId}], server: [{id,
 *    shortServerId, lifetime}]} (values as strings, never a key), stopped, unexpected-error.
 */

const ROOT = join(__dirname, '..', '..', '..');
const HOME = join(ROOT, '.local/leshan-client');
const FETCH = join(__dirname, 'fetch.sh');
const DDF = join(ROOT, 'libs/ucifi/model/ddf');

export interface LeshanEvent {
  readonly event: string;
  readonly at: number;
  readonly [field: string]: unknown;
}

/** A resource value: Time as epoch seconds, Opaque as base64, Objlnk "3:0"; multiple resources as {id: value}. */
export type ResourceValue = string | number | boolean | Readonly<Record<number, string | number | boolean>>;

export interface LeshanObject {
  readonly id: number;
  /** Object version of the model (Leshan's bundled OMA models or a DDF file in `models`); default: Leshan's. */
  readonly version?: string;
  readonly instances: readonly { id: number; resources: Readonly<Record<number, ResourceValue>> }[];
}

type Pem = string | KeyObject;

export type LeshanSecurity =
  | { readonly mode: 'none' }
  /** PSK (RFC 4279): identity as UTF-8, key as bytes or hex. */
  | { readonly mode: 'psk'; readonly identity: string; readonly key: Buffer | string }
  /** Raw public keys (RFC 7250): the client's key pair (the public key is derived when absent), the server's key. */
  | {
      readonly mode: 'rpk';
      readonly clientPrivateKey: Pem;
      readonly clientPublicKey?: Pem;
      readonly serverPublicKey: Pem;
    }
  /**
   * X.509: the client's certificate and key; the server's certificate, checked per the certificate usage
   * (LwM2M Core 1.1.1 §E.1.1 resource 15: 0 CA constraint, 1 service certificate constraint, 2 trust anchor
   * assertion, 3 domain-issued certificate, Leshan's default); `trustStore` for usages 0 and 1.
   */
  | {
      readonly mode: 'x509';
      readonly clientCertificate: string;
      readonly clientPrivateKey: Pem;
      readonly serverCertificate: string;
      readonly certificateUsage?: 0 | 1 | 2 | 3;
      readonly trustStore?: readonly string[];
    };

export interface LeshanStartOptions {
  readonly endpoint: string;
  /**
   * "coap://127.0.0.1:5683" or "coaps://127.0.0.1:5684" (with `security`). With `bootstrap` too, the client starts
   * with both accounts: the Bootstrap-Server's at /0/0 and this LwM2M server's at /0/1 and /1/1 (short server id 123);
   * Leshan registers with it first and bootstraps only when that registration fails (ETS int-4 and int-6).
   */
  readonly serverUri?: string;
  /**
   * Client-initiated bootstrap (LwM2M Core 1.1.1 §6.1.3): the client starts with only this Bootstrap-Server account
   * (NoSec or the vendor's PSK) and no LwM2M server; the bootstrap server writes the server account, then the client
   * registers with it. `security` then applies to `serverUri` only, when one is given.
   */
  readonly bootstrap?: {
    readonly uri: string;
    readonly security: Extract<LeshanSecurity, { mode: 'none' } | { mode: 'psk' }>;
  };
  readonly lifetime?: number;
  readonly security?: LeshanSecurity;
  /**
   * RFC 9146 connection ID (Scandium DtlsConfig.DTLS_CONNECTION_ID_LENGTH): true offers the extension with an empty
   * CID of its own (the server's CID is used in the records the client sends), a number asks for a CID of that
   * length for the client too.
   */
  readonly connectionId?: boolean | number;
  readonly objects?: readonly LeshanObject[];
  /** DDF files for objects Leshan does not bundle (IPSO, uCIFI). */
  readonly models?: readonly string[];
  readonly queueMode?: boolean;
  /** Bound of each registration-engine request (Register, Update, De-register), ms. */
  readonly requestTimeoutMs?: number;
  /** Wait before the registration engine tries again after a failure, ms. */
  readonly retryWaitMs?: number;
  /** DTLS flight retransmission: initial timeout (ms) and count (Scandium defaults: 2000 ms, 4). */
  readonly dtlsRetransmissionMs?: number;
  readonly dtlsMaxRetransmissions?: number;
}

export interface LaunchOptions {
  /** slf4j-simple level of Californium/Leshan logs (stderr, kept in output()). */
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug' | 'trace';
  readonly readyTimeoutMs?: number;
}

/** Fetches the jars and builds the harness (once; cached in .local/leshan-client). */
export function prepareLeshanClient(): void {
  execFileSync('bash', [FETCH], { stdio: 'inherit' });
}

/** DDF files of the objects `standardObjects` uses beyond Leshan's bundled OMA objects. */
export const STANDARD_MODELS: readonly string[] = [
  join(DDF, 'core/3303.xml'),
  join(DDF, 'ucifi/version_history/3416-2_0.xml'),
];

/**
 * A small city device: Device /3 v1.1 (battery level 9 and current time 13 change), Location /6, Temperature
 * /3303 v1.1 (sensor value 5700 changes), and the uCIFI outdoor lamp controller /3416 v2.0 (command 1, dimming 3).
 */
export function standardObjects(now = Math.floor(Date.now() / 1000)): LeshanObject[] {
  return [
    {
      id: 3,
      version: '1.1',
      instances: [
        {
          id: 0,
          resources: {
            0: 'Eclipse Leshan',
            1: 'interop-client',
            2: 'SN-LESHAN-1',
            3: '2.0.0-M15',
            9: 93,
            11: { 0: 0 },
            13: now,
            16: 'U',
          },
        },
      ],
    },
    { id: 6, instances: [{ id: 0, resources: { 0: 45.764, 1: 4.8357, 5: now } }] },
    { id: 3303, version: '1.1', instances: [{ id: 0, resources: { 5700: 21.5, 5701: 'Cel' } }] },
    { id: 3416, version: '2.0', instances: [{ id: 0, resources: { 1: 80, 3: 80 } }] },
  ];
}

/** What `instances()` reports: resource values as Leshan's toString gives them ("true", "0", "300"). */
export interface LeshanInstances {
  readonly security: readonly {
    id: number;
    uri: string;
    bootstrap: boolean;
    mode: string;
    shortServerId: string;
  }[];
  readonly server: readonly { id: number; shortServerId: string; lifetime: string }[];
}

interface Waiter {
  readonly match: (e: LeshanEvent) => boolean;
  readonly resolve: (e: LeshanEvent) => void;
}

export class LeshanClientPeer {
  readonly events: LeshanEvent[] = [];
  private log = '';
  private nextId = 1;
  private readonly waiters = new Set<Waiter>();
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
    child.stderr.on('data', (d: Buffer) => {
      // Bounded: a trace-level DTLS log of a long test must not exhaust the test's memory.
      this.log = (this.log + d.toString()).slice(-1_000_000);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Prepares (fetch + build, cached) and starts the JVM; resolves once the harness is ready for commands. */
  static async launch(options: LaunchOptions = {}): Promise<LeshanClientPeer> {
    prepareLeshanClient();
    const child = spawn(
      'java',
      [
        // A small heap and a quick-starting JIT: the test box has 2 cores shared with Kafka and PostgreSQL.
        '-Xmx256m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Djava.net.preferIPv4Stack=true',
        `-Dorg.slf4j.simpleLogger.defaultLogLevel=${options.logLevel ?? 'warn'}`,
        '-Dorg.slf4j.simpleLogger.showDateTime=true',
        '-cp',
        `${join(HOME, 'classes')}:${join(HOME, 'lib/*')}`,
        'org.smartcity.interop.leshanclient.HarnessMain',
      ],
      { cwd: HOME, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const peer = new LeshanClientPeer(child);
    const ready = peer.waitFor('ready', { from: 0, timeoutMs: options.readyTimeoutMs ?? 60_000 });
    const early = peer.exited.then((code) => {
      throw new Error(`Leshan client JVM exited (${code}) before it was ready:\n${peer.log}`);
    });
    try {
      await Promise.race([ready, early]);
    } catch (err) {
      peer.child.kill('SIGKILL');
      throw err;
    }
    return peer;
  }

  /** Californium's and Leshan's log (stderr). */
  output(): string {
    return this.log;
  }

  /** Index of the next event: `from` for a wait that must see only what happens after this point. */
  get cursor(): number {
    return this.events.length;
  }

  /**
   * Resolves with the first event from `from` (default: the current cursor) named `name` (or matching the
   * predicate) and `where`; rejects after `timeoutMs` with the events seen, to make a failure readable.
   */
  waitFor(
    name: string | ((e: LeshanEvent) => boolean),
    options: { from?: number; timeoutMs?: number; where?: (e: LeshanEvent) => boolean } = {},
  ): Promise<LeshanEvent> {
    const from = options.from ?? this.cursor;
    const where = options.where ?? (() => true);
    const match = (e: LeshanEvent) => (typeof name === 'string' ? e.event === name : name(e)) && where(e);
    const seen = this.events.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    const timeoutMs = options.timeoutMs ?? 20_000;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (e) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const recent = this.events
          .slice(from)
          .slice(-30)
          .map((e) => JSON.stringify(e))
          .join('\n');
        reject(
          new Error(
            `no ${typeof name === 'string' ? name : 'matching'} event within ${timeoutMs} ms; events since:\n${recent}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Events from `from` on, optionally only those named `name`. */
  since(from: number, name?: string): LeshanEvent[] {
    return this.events.slice(from).filter((e) => name === undefined || e.event === name);
  }

  /** Builds the client and starts its registration engine; `registered()` waits for the outcome. */
  async start(options: LeshanStartOptions): Promise<void> {
    await this.command('start', {
      endpoint: options.endpoint,
      ...(options.serverUri !== undefined ? { serverUri: options.serverUri } : {}),
      ...(options.bootstrap
        ? { bootstrap: { uri: options.bootstrap.uri, security: securityArgs(options.bootstrap.security) } }
        : {}),
      lifetime: options.lifetime ?? 300,
      security: securityArgs(options.security ?? { mode: 'none' }),
      objects: options.objects ?? standardObjects(),
      models: options.models ?? STANDARD_MODELS,
      ...(options.connectionId !== undefined ? { connectionId: options.connectionId } : {}),
      ...(options.queueMode !== undefined ? { queueMode: options.queueMode } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...(options.retryWaitMs !== undefined ? { retryWaitMs: options.retryWaitMs } : {}),
      ...(options.dtlsRetransmissionMs !== undefined
        ? { dtlsRetransmissionMs: options.dtlsRetransmissionMs }
        : {}),
      ...(options.dtlsMaxRetransmissions !== undefined
        ? { dtlsMaxRetransmissions: options.dtlsMaxRetransmissions }
        : {}),
    });
  }

  /** Waits for the registration's outcome: the `registered` event, or throws on `registration-failed`/timeout. */
  async registered(from = 0, timeoutMs = 30_000): Promise<LeshanEvent> {
    const e = await this.waitFor(
      (x) => ['registered', 'registration-failed', 'registration-timeout'].includes(x.event),
      { from, timeoutMs },
    );
    if (e.event !== 'registered') throw new Error(`registration did not succeed: ${JSON.stringify(e)}`);
    return e;
  }

  /** Changes a resource value (`/3303/0/5700`, or `/3/0/11/0` for one resource instance); observers are notified. */
  async set(path: string, value: ResourceValue): Promise<void> {
    await this.command('set', { path, value });
  }

  /**
   * LwM2M 1.1 Send of the current values of `paths` (Core 1.1.1 §6.4.6); resolves with the `sent` or `send-failed`
   * event. Timestamped by default (now, or `timestamp` in epoch seconds, as a string to keep every digit).
   */
  async send(
    paths: readonly string[],
    options: {
      format?: 'senml-cbor' | 'senml-json';
      timestamped?: boolean;
      timestamp?: string;
      timeoutMs?: number;
    } = {},
  ): Promise<LeshanEvent> {
    const from = this.cursor;
    await this.command('send', {
      paths,
      format: options.format ?? 'senml-cbor',
      timestamped: options.timestamped ?? true,
      ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
      timeoutMs: options.timeoutMs ?? 30_000,
    });
    return this.waitFor((e) => e.event === 'sent' || e.event === 'send-failed', {
      from,
      timeoutMs: (options.timeoutMs ?? 30_000) + 5000,
    });
  }

  /** Registration Update now; resolves with `updated` or throws with the failure event. */
  async update(timeoutMs = 30_000): Promise<LeshanEvent> {
    const from = this.cursor;
    await this.command('update');
    const e = await this.waitFor((x) => x.event.startsWith('update'), { from, timeoutMs });
    if (e.event !== 'updated') throw new Error(`update did not succeed: ${JSON.stringify(e)}`);
    return e;
  }

  /** De-register (Leshan then stops its engine); resolves with `deregistered` or throws. */
  async deregister(timeoutMs = 30_000): Promise<LeshanEvent> {
    const from = this.cursor;
    await this.command('deregister');
    const e = await this.waitFor((x) => x.event.startsWith('deregistration') || x.event === 'deregistered', {
      from,
      timeoutMs,
    });
    if (e.event !== 'deregistered') throw new Error(`de-registration did not succeed: ${JSON.stringify(e)}`);
    return e;
  }

  /**
   * Closes the client's socket and binds a new one (new local port), optionally followed by an Update. With DTLS
   * Scandium then resumes the session (abbreviated handshake); for an RFC 9146 CID test put a `UdpNatRelay` between
   * client and server and rebind the relay instead, so that the DTLS connection itself stays.
   */
  async rebind(options: { update?: boolean } = {}): Promise<LeshanEvent> {
    const from = this.cursor;
    await this.command('rebind', { update: options.update ?? false });
    return this.waitFor('rebound', { from });
  }

  /** The client's Security (/0) and Server (/1) instances now (the `instances` event; no keys in it). */
  async instances(): Promise<LeshanInstances> {
    const from = this.cursor;
    await this.command('instances');
    const e = await this.waitFor('instances', { from });
    return {
      security: e['security'] as LeshanInstances['security'],
      server: e['server'] as LeshanInstances['server'],
    };
  }

  /** Stops the client (optionally de-registering) and the JVM; kills it if it does not exit within 5 s. */
  async stop(options: { deregister?: boolean } = {}): Promise<void> {
    if (this.child.exitCode === null && this.child.stdin.writable) {
      this.child.stdin.write(`${JSON.stringify({ cmd: 'stop', deregister: options.deregister ?? false })}\n`);
    }
    await this.kill(5000);
  }

  /** Ends the JVM: closes stdin (the harness exits), SIGKILL after `graceMs`. */
  async kill(graceMs = 0): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private async command(cmd: string, args: Record<string, unknown> = {}): Promise<LeshanEvent> {
    const id = this.nextId++;
    const answer = this.waitFor((e) => (e.event === 'ok' || e.event === 'error') && e['id'] === id, {
      from: this.cursor,
      timeoutMs: 30_000,
    });
    this.child.stdin.write(`${JSON.stringify({ cmd, id, ...args })}\n`);
    const e = await answer;
    if (e.event === 'error') throw new Error(`Leshan client ${cmd}: ${String(e['message'])}`);
    return e;
  }

  private onLine(line: string): void {
    let e: LeshanEvent;
    try {
      e = JSON.parse(line) as LeshanEvent;
    } catch {
      this.log += `[stdout] ${line}\n`;
      return;
    }
    this.events.push(e);
    for (const w of [...this.waiters]) if (w.match(e)) w.resolve(e);
  }
}

/** The harness takes DER (base64) only: PEM and key objects are converted here with node:crypto. */
function securityArgs(s: LeshanSecurity): Record<string, unknown> {
  const der = (k: KeyObject, type: 'pkcs8' | 'spki') => k.export({ type, format: 'der' }).toString('base64');
  const priv = (k: Pem) => (typeof k === 'string' ? createPrivateKey(k) : k);
  const pub = (k: Pem) => (typeof k !== 'string' && k.type === 'public' ? k : createPublicKey(k));
  const cert = (pem: string) => new X509Certificate(pem).raw.toString('base64');
  switch (s.mode) {
    case 'none':
      return { mode: 'none' };
    case 'psk':
      return {
        mode: 'psk',
        identity: s.identity,
        keyHex: typeof s.key === 'string' ? s.key : s.key.toString('hex'),
      };
    case 'rpk':
      return {
        mode: 'rpk',
        clientPrivateKey: der(priv(s.clientPrivateKey), 'pkcs8'),
        clientPublicKey: der(pub(s.clientPublicKey ?? priv(s.clientPrivateKey)), 'spki'),
        serverPublicKey: der(pub(s.serverPublicKey), 'spki'),
      };
    case 'x509':
      return {
        mode: 'x509',
        clientCertificate: cert(s.clientCertificate),
        clientPrivateKey: der(priv(s.clientPrivateKey), 'pkcs8'),
        serverCertificate: cert(s.serverCertificate),
        certificateUsage: s.certificateUsage ?? 3,
        trustStore: (s.trustStore ?? []).map(cert),
      };
  }
}
