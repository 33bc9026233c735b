import {
  type Clock,
  CoapCode,
  CoapRequestError,
  CoapOption,
  formatCode,
  uintOptionOf,
} from '@smartcity/coap';
import { ContentFormat } from '@smartcity/lwm2m-codec';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { type Lwm2mRequest, opensObservation, toCoapRequest } from '@smartcity/lwm2m-server';
import { type DownlinkAnyOperation, type DownlinkStatus } from '@smartcity/platform-contracts';
import {
  type Logger,
  type Span,
  SpanKind,
  TRACING_DISABLED,
  type Tracing,
  withSpan,
} from '@smartcity/platform-observability';
import { coapMethodName, peerAttributes, recordResponseCode } from '../tracing/coap-spans';
import { type IngestMetrics } from '../metrics/ingest.metrics';
import { type LocalRegistrations, type OwnedRegistration } from '../registration/local-registrations';
import { type NotificationSink } from '../uplink/notification-sink';
import { type CancelOperation, compositePaths, observationKeyOf, toLwm2mRequest } from './downlink-operation';

/** The typed outcome of a request to a device. */
export interface DeviceRequestResult {
  readonly status: DownlinkStatus;
  /** CoAP response code, "2.05". */
  readonly coapCode?: string;
  readonly contentFormat?: number;
  readonly payload?: Buffer;
  readonly error?: string;
}

/**
 * The internal request API: LwM2M Device Management and Information Reporting operations (Core 1.1.1 §6.3,
 * §6.4) sent to an endpoint this instance owns, from the shared socket, through the one CoAP binding of
 * libs/lwm2m/server. For a queue-mode device (Transport §6.5) a request is sent only while the device is awake
 * (a window after its last uplink); otherwise it is held until the next uplink or its deadline.
 */
export class DeviceRequestService {
  constructor(
    private readonly local: LocalRegistrations,
    private readonly notifications: NotificationSink,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly options: { awakeWindowMs: number; responseTimeoutMs?: number },
    private readonly tracing: Tracing = TRACING_DISABLED,
  ) {}

  /** Runs an operation on an owned endpoint; `deadline` bounds how long it may wait for the device to wake up. */
  async execute(
    endpointName: string,
    operation: DownlinkAnyOperation,
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
    owned.via.forget(owned.peer, token);
  }

  /** Whether a queue-mode device can be reached now (always true outside queue mode). */
  isAwake(owned: OwnedRegistration, now = this.clock.now()): boolean {
    return !owned.registration.queueMode || now - owned.lastUplinkAt < this.options.awakeWindowMs;
  }

  /** Called on every uplink: releases the requests held for a sleeping queue-mode device. */
  wake(owned: OwnedRegistration): void {
    if (owned.held.length === 0) return;
    for (const release of owned.takeHeld()) release();
  }

  private async executeOn(
    owned: OwnedRegistration,
    operation: DownlinkAnyOperation,
    deadline: number,
  ): Promise<DeviceRequestResult> {
    if (!this.isAwake(owned)) {
      const woke = await this.waitUntilAwake(owned, deadline);
      if (!woke)
        return { status: 'expired', error: 'the queue-mode device did not wake up before the deadline' };
    }
    if (operation.op === 'cancel-observation' || operation.op === 'cancel-observe-composite') {
      return this.cancelObservation(owned, operation);
    }
    let request: Lwm2mRequest;
    try {
      request = toLwm2mRequest(operation);
    } catch (err) {
      return { status: 'invalid', error: (err as Error).message };
    }
    const key = observationKeyOf(operation);
    const shape = toCoapRequest(request, owned.registration.rootPath);
    const observing = opensObservation(request);
    const paths = 'paths' in operation ? operation.paths : [key];
    try {
      const { message, payload, token } = await this.traced(owned, shape.code, key, () =>
        owned.via.request(owned.peer, {
          ...shape,
          ...(this.options.responseTimeoutMs ? { timeoutMs: this.options.responseTimeoutMs } : {}),
          ...(observing ? { onNotification: this.notifications.listener(owned.registration.id, paths) } : {}),
        }),
      );
      if (observing && message.code === CoapCode.Content) {
        const previous = owned.observations.get(key);
        if (previous && !previous.equals(token)) owned.via.forget(owned.peer, previous);
        owned.setObservation(key, token);
      }
      const contentFormat = uintOptionOf(message, CoapOption.ContentFormat);
      return {
        status: 'completed',
        coapCode: formatCode(message.code),
        ...(contentFormat !== undefined ? { contentFormat } : {}),
        ...(payload.length > 0 ? { payload } : {}),
      };
    } catch (err) {
      return this.failure(owned, err);
    }
  }

  private waitUntilAwake(owned: OwnedRegistration, deadline: number): Promise<boolean> {
    const wait = deadline - this.clock.now();
    if (wait <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const release = () => {
        this.clock.clearTimeout(timer);
        resolve(true);
      };
      const timer = this.clock.setTimeout(() => {
        owned.unhold(release);
        resolve(false);
      }, wait);
      owned.hold(release);
    });
  }

  /**
   * RFC 7641 §3.6: a GET (FETCH for a composite, Core 1.1.1 §6.4.3) with Observe=1 and the observation's token
   * cancels it on the device.
   */
  private async cancelObservation(
    owned: OwnedRegistration,
    op: CancelOperation,
  ): Promise<DeviceRequestResult> {
    const key = observationKeyOf(op);
    const token = owned.observations.get(key);
    if (!token) return { status: 'invalid', error: `no observation of ${key}` };
    owned.deleteObservation(key);
    owned.via.forget(owned.peer, token);
    const request: Lwm2mRequest =
      op.op === 'cancel-observation'
        ? { op: 'cancel-observe', path: Lwm2mPath.parse(op.path) }
        : {
            op: 'cancel-observe-composite',
            contentFormat: ContentFormat.SENML_JSON,
            paths: compositePaths(op.paths),
          };
    try {
      const shape = toCoapRequest(request, owned.registration.rootPath);
      const { message } = await this.traced(owned, shape.code, key, () =>
        owned.via.request(owned.peer, { ...shape, token }),
      );
      return { status: 'completed', coapCode: formatCode(message.code) };
    } catch (err) {
      // The token is forgotten either way: the next notification gets a Reset, which cancels it too.
      return this.failure(owned, err);
    }
  }

  /**
   * The request to the device as a CLIENT span `CoAP <method>` (child of the active downlink span), with the
   * device's response code; a timeout or Reset ends it as an error. Tracing off: just the request.
   */
  private traced<R extends { message: { code: number } }>(
    owned: OwnedRegistration,
    method: number,
    path: string,
    request: () => Promise<R>,
  ): Promise<R> {
    if (!this.tracing.enabled) return request();
    return withSpan(
      this.tracing,
      `CoAP ${coapMethodName(method)}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'coap.method': coapMethodName(method),
          'lwm2m.path': path,
          'lwm2m.endpoint': owned.registration.endpoint,
          ...peerAttributes(owned.peer),
        },
      },
      async (span: Span | undefined) => {
        const response = await request();
        if (span) recordResponseCode(span, response.message.code);
        return response;
      },
    );
  }

  private failure(owned: OwnedRegistration, err: unknown): DeviceRequestResult {
    if (err instanceof CoapRequestError) {
      return { status: err.reason === 'reset' ? 'rejected' : 'timeout', error: err.message };
    }
    this.logger.error({ err, endpoint: owned.registration.endpoint }, 'device request failed');
    return { status: 'timeout', error: (err as Error).message };
  }
}
