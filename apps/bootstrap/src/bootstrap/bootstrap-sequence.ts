import { CoapCode, CoapOption, formatCode, stringOptions } from '@smartcity/coap';
import { Lwm2mPath, parseLinkFormat } from '@smartcity/lwm2m-core';
import { type CoapRequestShape, toCoapRequest } from '@smartcity/lwm2m-server';
import { readBackMatches } from './bootstrap-read-back';
import { objectInstance, type ServerAccount, securityInstance, serverInstance } from './bootstrap-writes';

/** A response of the device to one request of the sequence. */
export interface DeviceResponse {
  readonly code: number;
  readonly payload: Buffer;
  /** Its Content-Format option, when it has one. */
  readonly contentFormat?: number;
}

/** How the sequence reaches the device (the CoAP endpoint, through its DTLS session, in the app; a fake in tests). */
export type BootstrapChannel = (request: CoapRequestShape) => Promise<DeviceResponse>;

export type BootstrapStep =
  | 'delete-security'
  | 'delete-server'
  | 'discover'
  | 'write-security'
  | 'write-server'
  | 'write-object'
  | 'read-server'
  | 'finish';

/** A configured object write the device refused (it lacks the object, or the value): the account still goes on. */
export interface SkippedWrite {
  readonly path: string;
  readonly code: string;
}

export type BootstrapOutcome =
  | {
      readonly outcome: 'finished';
      readonly securityInstance: number;
      readonly serverInstance: number;
      /** The configured object writes the device took, and those it refused. */
      readonly objectWrites: readonly string[];
      readonly skipped: readonly SkippedWrite[];
      /** The device read its Server instance back as written (false: a 1.0 client, without Bootstrap-Read). */
      readonly verified: boolean;
    }
  /**
   * The device answered a step with an error code (CoAP code as "4.00"), or read back another account than the one
   * written (`reason: 'read-back-mismatch'`, with the read's code).
   */
  | {
      readonly outcome: 'failed';
      readonly step: BootstrapStep;
      readonly code: string;
      readonly reason?: 'read-back-mismatch';
    }
  /** The channel failed (timeout, reset, closed) or the sequence was aborted (superseded, shutdown, deadline). */
  | { readonly outcome: 'aborted'; readonly step: BootstrapStep; readonly reason: string };

/** Most instances of /0 a Bootstrap-Discover may list before we stop reading (explicit limit). */
const MAX_DISCOVERED_LINKS = 64;

/**
 * One server-driven bootstrap sequence after an accepted Bootstrap-Request (LwM2M Core 1.1.1 §6.1.3 "Client
 * Initiated Bootstrap", operations of §6.1.7 on the Transport 1.1.1 §6.3 binding):
 *
 * 1. Bootstrap-Delete /0 and /1 (§6.1.7.5): removes every LwM2M server account the device had, partial writes of an
 *    earlier failed sequence included; the client keeps its Bootstrap-Server's own Security instance (§6.1.7.5:
 *    "the Bootstrap-Server Account ... MUST NOT be deleted").
 * 2. Bootstrap-Discover /0 (§6.1.7.2, LwM2M 1.1): which Security instance is left (the Bootstrap-Server's), so the
 *    new account takes a free instance id instead of overwriting it. A 1.0 client answers it with an error; the
 *    Bootstrap-Server account is then assumed at /0/0, the usual factory layout.
 * 3. Bootstrap-Write /0/x (Security, §E.1) and /1/y (Server, §E.2) (§6.1.7.4: PUT, created when absent).
 * 4. Bootstrap-Write of each configured object instance (a uCIFI default...). A device that refuses one (it lacks
 *    the object: 4.04) still gets its account; the refusal is recorded in the outcome.
 * 5. Bootstrap-Read /1/y (§6.1.7.3, LwM2M 1.1: the Server object only): the device holds the account as written
 *    (Short Server ID, Lifetime, Binding). A 1.0 client has no Bootstrap-Read and answers an error: unverified.
 * 6. Bootstrap-Finish (§6.1.7.6, POST /bs): 2.04, or 4.06 when the client finds its configuration inconsistent.
 *
 * Any failure ends the sequence; the device retries with a new Bootstrap-Request (§6.1.3), whose Delete of /0 and /1
 * cleans up what this one wrote. The `account` carries the new key: nothing here logs or returns it.
 */
export async function runBootstrapSequence(
  channel: BootstrapChannel,
  account: ServerAccount,
  options: { readonly contentFormat: number; readonly signal?: AbortSignal },
): Promise<BootstrapOutcome> {
  let step: BootstrapStep = 'delete-security';
  const send = async (request: CoapRequestShape): Promise<DeviceResponse> => {
    if (options.signal?.aborted) throw new SequenceAborted(String(options.signal.reason ?? 'aborted'));
    return channel(request);
  };
  try {
    for (const [s, object] of [
      ['delete-security', 0],
      ['delete-server', 1],
    ] as const) {
      step = s;
      const deleted = await send(toCoapRequest({ op: 'delete', path: new Lwm2mPath(object) }));
      if (deleted.code !== CoapCode.Deleted) return failed(step, deleted.code);
    }

    step = 'discover';
    const discovered = await send(toCoapRequest({ op: 'discover', path: new Lwm2mPath(0) }));
    const taken =
      discovered.code === CoapCode.Content ? securityInstancesIn(discovered.payload) : new Set([0]);
    const securityId = freeInstanceId(taken);
    const serverId = 0;

    step = 'write-security';
    const security = securityInstance(securityId, account, options.contentFormat);
    const wroteSecurity = await send(write(security.path, security.payload, options.contentFormat));
    if (wroteSecurity.code !== CoapCode.Changed) return failed(step, wroteSecurity.code);

    step = 'write-server';
    const server = serverInstance(serverId, account, options.contentFormat);
    const wroteServer = await send(write(server.path, server.payload, options.contentFormat));
    if (wroteServer.code !== CoapCode.Changed) return failed(step, wroteServer.code);

    step = 'write-object';
    const objectWrites: string[] = [];
    const skipped: SkippedWrite[] = [];
    for (const configured of account.objectWrites) {
      const object = objectInstance(configured, options.contentFormat);
      const wrote = await send(write(object.path, object.payload, options.contentFormat));
      if (wrote.code === CoapCode.Changed) objectWrites.push(object.path.toString());
      else if (isClientError(wrote.code))
        skipped.push({ path: object.path.toString(), code: formatCode(wrote.code) });
      else return failed(step, wrote.code);
    }

    step = 'read-server';
    const readBack = await send(
      toCoapRequest({ op: 'read', path: server.path, accept: options.contentFormat }),
    );
    let verified = false;
    if (readBack.code === CoapCode.Content) {
      if (!readBackMatches(readBack, server.path, account, options.contentFormat)) {
        return { outcome: 'failed', step, code: formatCode(readBack.code), reason: 'read-back-mismatch' };
      }
      verified = true;
    } else if (!isClientError(readBack.code)) return failed(step, readBack.code);

    step = 'finish';
    const finished = await send({ code: CoapCode.POST, options: stringOptions(CoapOption.UriPath, ['bs']) });
    if (finished.code !== CoapCode.Changed) return failed(step, finished.code);
    return {
      outcome: 'finished',
      securityInstance: securityId,
      serverInstance: serverId,
      objectWrites,
      skipped,
      verified,
    };
  } catch (err) {
    const reason = options.signal?.aborted
      ? String(options.signal.reason ?? 'aborted')
      : err instanceof SequenceAborted
        ? err.message
        : err instanceof Error
          ? ((err as { reason?: string }).reason ?? err.name)
          : 'error';
    return { outcome: 'aborted', step, reason };
  }
}

class SequenceAborted extends Error {}

/** 4.xx (RFC 7252 §5.9.2): the device refused this request; a 5.xx says it is failing. */
function isClientError(code: number): boolean {
  return code >> 5 === 4;
}

function failed(step: BootstrapStep, code: number): BootstrapOutcome {
  return { outcome: 'failed', step, code: formatCode(code) };
}

function write(path: Lwm2mPath, payload: Buffer, contentFormat: number): CoapRequestShape {
  return toCoapRequest({ op: 'write', path, replace: true, contentFormat, payload });
}

/**
 * The Security instance ids a Bootstrap-Discover of /0 lists (`</0/0>;uri="coaps://bs..."`, Core 1.1.1 §6.1.7.2).
 * An unreadable answer counts as /0/0 taken (the usual Bootstrap-Server instance).
 */
export function securityInstancesIn(payload: Buffer): Set<number> {
  const ids = new Set<number>();
  try {
    for (const link of parseLinkFormat(payload.toString('utf8'), { maxLinks: MAX_DISCOVERED_LINKS })) {
      const path = Lwm2mPath.tryParse(link.uri.replace(/^<|>$/g, ''));
      if (path?.objectId === 0 && path.level === 'instance') ids.add(path.instanceId!);
    }
  } catch {
    ids.add(0);
  }
  return ids.size > 0 ? ids : new Set([0]);
}

/** The lowest instance id not taken. */
export function freeInstanceId(taken: ReadonlySet<number>): number {
  let id = 0;
  while (taken.has(id)) id++;
  return id;
}
