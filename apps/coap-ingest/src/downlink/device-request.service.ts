import {
  type CoapEndpoint,
  CoapRequestError,
  type OutgoingRequest,
  type CoapOptionValue,
  CoapCode,
  CoapOption,
  encodeUint,
  formatCode,
  stringOptions,
} from '@smartcity/coap';
import { type DownlinkOperation, type DownlinkStatus } from '@smartcity/platform-contracts';
import { serializeWriteAttributesQuery } from '@smartcity/lwm2m-core';
import { type Logger } from '@smartcity/platform-observability';
import { type IngestMetrics } from '../metrics/ingest.metrics';
import { type LocalRegistrations, type OwnedRegistration } from '../registration/local-registrations';
import { type NotificationSink } from '../uplink/notification-sink';

/** The typed outcome of a request to a device. */
export interface DeviceRequestResult {
  readonly status: DownlinkStatus;
  /** CoAP response code, "2.05". */
  readonly coapCode?: string;
  readonly contentFormat?: number;
  readonly payload?: Buffer;
  readonly error?: string;
}

const CONTENT_FORMAT_LINK = 40;
const CONTENT_FORMAT_TEXT = 0;

/**
 * The internal request API: LwM2M Device Management and Information Reporting operations (Core 1.1.1 §6.3,
 * §6.4) sent to an endpoint this instance owns, from the shared socket. For a queue-mode device (Transport
 * §6.5) a request is sent only while the device is awake (a window after its last uplink); otherwise it is
 * held until the next uplink or its deadline.
 */
export class DeviceRequestService {
  constructor(
    private readonly endpoint: CoapEndpoint,
    private readonly local: LocalRegistrations,
    private readonly notifications: NotificationSink,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
    private readonly options: { awakeWindowMs: number },
  ) {}

  /** Runs an operation on an owned endpoint; `deadline` bounds how long it may wait for the device to wake up. */
  async execute(
    endpointName: string,
    operation: DownlinkOperation,
    deadline: number,
  ): Promise<DeviceRequestResult> {
    const owned = this.local.getByEndpoint(endpointName);
    const result = owned
      ? await this.executeOn(owned, operation, deadline)
      : { status: 'not-registered' as const, error: 'no live registration owned by this instance' };
    this.metrics.deviceRequests.inc({ op: operation.op, status: result.status });
    return result;
  }

  /** Stops listening to an observation (De-register, expiry, lost ownership). */
  forgetObservation(owned: OwnedRegistration, token: Buffer): void {
    this.endpoint.forget(owned.peer, token);
  }

  /** Whether a queue-mode device can be reached now (always true outside queue mode). */
  isAwake(owned: OwnedRegistration, now = Date.now()): boolean {
    return !owned.registration.queueMode || now - owned.lastUplinkAt < this.options.awakeWindowMs;
  }

  /** Called on every uplink: releases the requests held for a sleeping queue-mode device. */
  wake(owned: OwnedRegistration): void {
    if (owned.held.length === 0) return;
    for (const release of owned.held.splice(0)) release();
  }

  private async executeOn(
    owned: OwnedRegistration,
    operation: DownlinkOperation,
    deadline: number,
  ): Promise<DeviceRequestResult> {
    if (!this.isAwake(owned)) {
      const woke = await this.waitUntilAwake(owned, deadline);
      if (!woke)
        return { status: 'expired', error: 'the queue-mode device did not wake up before the deadline' };
    }
    if (operation.op === 'cancel-observation') return this.cancelObservation(owned, operation.path);
    let request: OutgoingRequest;
    try {
      request = this.toCoap(owned, operation);
    } catch (err) {
      return { status: 'invalid', error: (err as Error).message };
    }
    try {
      const { message, payload, token } = await this.endpoint.request(owned.peer, request);
      if (operation.op === 'observe' && message.code === CoapCode.Content) {
        const previous = owned.observations.get(operation.path);
        if (previous && !previous.equals(token)) this.endpoint.forget(owned.peer, previous);
        owned.observations.set(operation.path, token);
      }
      const contentFormat = message.options.find((o) => o.number === CoapOption.ContentFormat);
      return {
        status: 'completed',
        coapCode: formatCode(message.code),
        ...(contentFormat ? { contentFormat: contentFormat.value.reduce((n, b) => n * 256 + b, 0) } : {}),
        ...(payload.length > 0 ? { payload } : {}),
      };
    } catch (err) {
      if (err instanceof CoapRequestError) {
        return { status: err.reason === 'reset' ? 'rejected' : 'timeout', error: err.message };
      }
      this.logger.error({ err, endpoint: owned.registration.endpoint }, 'device request failed');
      return { status: 'timeout', error: (err as Error).message };
    }
  }

  private waitUntilAwake(owned: OwnedRegistration, deadline: number): Promise<boolean> {
    const wait = deadline - Date.now();
    if (wait <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const release = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const i = owned.held.indexOf(release);
        if (i >= 0) owned.held.splice(i, 1);
        resolve(false);
      }, wait);
      owned.held.push(release);
    });
  }

  /** RFC 7641 §3.6: a GET with Observe=1 and the observation's token cancels it on the device. */
  private async cancelObservation(owned: OwnedRegistration, path: string): Promise<DeviceRequestResult> {
    const token = owned.observations.get(path);
    if (!token) return { status: 'invalid', error: `no observation of ${path}` };
    owned.observations.delete(path);
    this.endpoint.forget(owned.peer, token);
    try {
      const { message } = await this.endpoint.request(owned.peer, {
        code: CoapCode.GET,
        token,
        options: [{ number: CoapOption.Observe, value: encodeUint(1) }, ...this.uriPath(owned, path)],
      });
      return { status: 'completed', coapCode: formatCode(message.code) };
    } catch (err) {
      // The token is forgotten either way: the next notification gets a Reset, which cancels it too.
      return {
        status: err instanceof CoapRequestError && err.reason === 'reset' ? 'rejected' : 'timeout',
        error: (err as Error).message,
      };
    }
  }

  private uriPath(owned: OwnedRegistration, path: string): CoapOptionValue[] {
    const root =
      owned.registration.rootPath === '/' ? [] : owned.registration.rootPath.split('/').filter(Boolean);
    return stringOptions(CoapOption.UriPath, [...root, ...path.split('/').filter(Boolean)]);
  }

  private toCoap(owned: OwnedRegistration, op: DownlinkOperation): OutgoingRequest {
    const uri = this.uriPath(owned, op.path);
    const cf = (n: number): CoapOptionValue => ({ number: CoapOption.ContentFormat, value: encodeUint(n) });
    const accept = (n: number | undefined): CoapOptionValue[] =>
      n === undefined ? [] : [{ number: CoapOption.Accept, value: encodeUint(n) }];
    switch (op.op) {
      case 'read':
        return { code: CoapCode.GET, options: [...uri, ...accept(op.accept)] };
      case 'discover':
        return { code: CoapCode.GET, options: [...uri, ...accept(CONTENT_FORMAT_LINK)] };
      case 'write':
        return {
          code: op.replace ? CoapCode.PUT : CoapCode.POST,
          options: [...uri, cf(op.contentFormat)],
          payload: Buffer.from(op.payload, 'base64'),
        };
      case 'write-attributes':
        return {
          code: CoapCode.PUT,
          options: [
            ...uri,
            ...stringOptions(CoapOption.UriQuery, serializeWriteAttributesQuery(op.attributes)),
          ],
        };
      case 'execute':
        return op.arguments
          ? {
              code: CoapCode.POST,
              options: [...uri, cf(CONTENT_FORMAT_TEXT)],
              payload: Buffer.from(op.arguments),
            }
          : { code: CoapCode.POST, options: uri };
      case 'create':
        return {
          code: CoapCode.POST,
          options: [...uri, cf(op.contentFormat)],
          payload: Buffer.from(op.payload, 'base64'),
        };
      case 'delete':
        return { code: CoapCode.DELETE, options: uri };
      case 'observe':
        return {
          code: CoapCode.GET,
          options: [{ number: CoapOption.Observe, value: encodeUint(0) }, ...uri, ...accept(op.accept)],
          onNotification: this.notifications.listener(owned.registration.id, op.path),
        };
      case 'cancel-observation':
        throw new Error('handled separately');
    }
  }
}
