import {
  type DownlinkRequest,
  type DownlinkResult,
  DOWNLINK_SCHEMA_VERSION,
} from '@smartcity/platform-contracts';
import {
  hasActiveSpan,
  type Logger,
  runInContext,
  SpanKind,
  TRACING_DISABLED,
  type Tracing,
  withSpan,
} from '@smartcity/platform-observability';
import { type LocalRegistrations, type OwnedRegistration } from '../registration/local-registrations';
import { type DownlinkQueue } from './downlink-queue';
import { type DeviceRequestResult, type DeviceRequestService } from './device-request.service';
import { type TracedDownlinkRequest } from './downlink-trace';

/** Where the outcomes go (`lwm2m.downlink-result.v1`). */
export interface DownlinkResultSink {
  publish(result: DownlinkResult): Promise<void>;
}

export interface DownlinkExecutorOptions {
  readonly instanceId: string;
  /** Bound on one exchange with an awake device (ms): past it the command is a timeout. */
  readonly responseTimeoutMs: number;
  /** How often a wait for a sleeping device re-checks that it is awake (a notification) or moved (ms). */
  readonly awakePollMs?: number;
  /**
   * Tracing: a span per executed request, child of the context queued with it (the gateway's command trace), holding
   * the CoAP request to the device (DeviceRequestService) and the sends of its outcomes to
   * `lwm2m.downlink-result.v1`, whose headers carry the trace back to the gateway.
   */
  readonly tracing?: Tracing;
}

type Outcome = Omit<DownlinkResult, 'v' | 'id' | 'tenant' | 'endpoint' | 'op' | 'instanceId' | 'completedAt'>;

/**
 * Runs the queued requests of the endpoints this instance owns: one request at a time per endpoint, oldest first
 * (so a queue-mode device gets its held commands in order when it wakes, LwM2M Core 1.1.1 §6.5), many endpoints
 * concurrently. A request is taken from the shared queue only when this instance owns the endpoint; if ownership
 * moves while a request waits for the device, it goes back to the head of the queue for the new owner.
 */
export class DownlinkExecutor {
  private readonly draining = new Map<string, { again: boolean }>();
  private readonly tracing: Tracing;

  constructor(
    private readonly queue: DownlinkQueue,
    private readonly local: LocalRegistrations,
    private readonly requests: DeviceRequestService,
    private readonly results: DownlinkResultSink,
    private readonly logger: Logger,
    private readonly options: DownlinkExecutorOptions,
  ) {
    this.tracing = options.tracing ?? TRACING_DISABLED;
  }

  get activeEndpoints(): number {
    return this.draining.size;
  }

  /** Starts (or re-arms) draining an endpoint's queue; returns at once. */
  drain(endpoint: string): void {
    const running = this.draining.get(endpoint);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    this.draining.set(endpoint, state);
    void this.run(endpoint, state)
      .catch((err: unknown) => this.logger.error({ err, endpoint }, 'downlink drain failed'))
      .finally(() => this.draining.delete(endpoint));
  }

  private async run(endpoint: string, state: { again: boolean }): Promise<void> {
    for (;;) {
      state.again = false;
      if (!this.local.getByEndpoint(endpoint)) return; // not ours (any more): the owner drains it
      const request = await this.queue.takeNext(endpoint);
      if (!request) {
        if (state.again) continue;
        return;
      }
      const kept = await this.executeOne(request);
      if (!kept) return;
    }
  }

  /**
   * Executes one taken request and publishes its outcome; false when it went back to the queue (lost owner). Traced:
   * parented explicitly to the request's own context, never to the active one (a drain may start inside a device's
   * Register request, whose span is not this command's).
   */
  private executeOne(request: TracedDownlinkRequest): Promise<boolean> {
    if (!this.tracing.enabled) return this.executeUntraced(request);
    return withSpan(
      this.tracing,
      `downlink ${request.operation.op}`,
      {
        kind: SpanKind.INTERNAL,
        parent: this.tracing.extract(request.trace ?? {}),
        attributes: {
          'lwm2m.endpoint': request.endpoint,
          'smartcity.tenant': request.tenant,
          'smartcity.command.id': request.id,
          'lwm2m.operation': request.operation.op,
        },
      },
      async (span) => {
        const kept = await this.executeUntraced(request);
        if (!kept) span?.addEvent('requeued: the endpoint moved to another instance');
        return kept;
      },
    );
  }

  private async executeUntraced(request: TracedDownlinkRequest): Promise<boolean> {
    const owned = this.local.getByEndpoint(request.endpoint);
    if (!owned) {
      await this.queue.requeueHead(request);
      return false;
    }
    if (owned.registration.tenant !== request.tenant) {
      await this.finish(request, { status: 'invalid', error: 'the endpoint belongs to another tenant' });
      return true;
    }
    const wait = await this.waitUntilAwake(owned, request.deadline);
    if (wait === 'moved') {
      await this.queue.requeueHead(request);
      return false;
    }
    if (wait === 'expired') {
      await this.finish(request, {
        status: 'expired',
        error: 'the device was not reachable before the deadline',
      });
      return true;
    }
    // SENT is published while the exchange runs (off the latency path); the outcome follows once it is stored, so a
    // consumer never sees the outcome before SENT (same key, produced after it).
    const sent = this.finish(request, { status: 'sent' });
    const outcome = await this.exchange(owned, request);
    await sent.catch((err: unknown) =>
      this.logger.warn({ err, id: request.id }, 'sent status not published'),
    );
    await this.finish(request, outcome);
    return true;
  }

  private async exchange(owned: OwnedRegistration, request: DownlinkRequest): Promise<Outcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Outcome>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            status: 'timeout',
            error: `no response within ${this.options.responseTimeoutMs} ms`,
          }),
        this.options.responseTimeoutMs,
      );
    });
    try {
      return await Promise.race([this.send(request), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async send(request: DownlinkRequest): Promise<Outcome> {
    return toOutcome(await this.requests.execute(request.endpoint, request.operation, request.deadline));
  }

  /**
   * Waits for a queue-mode device to wake up (Transport 1.1.1 §6.5: requests wait for its next uplink). Released by
   * the request service on Register/Update/Send, and polled for notifications and ownership moves.
   */
  private waitUntilAwake(owned: OwnedRegistration, deadline: number): Promise<'awake' | 'expired' | 'moved'> {
    if (Date.now() >= deadline) return Promise.resolve('expired');
    if (this.requests.isAwake(owned)) return Promise.resolve('awake');
    const pollMs = this.options.awakePollMs ?? 200;
    return new Promise((resolve) => {
      const finish = (outcome: 'awake' | 'expired' | 'moved') => {
        clearInterval(poll);
        owned.unhold(release);
        resolve(outcome);
      };
      const release = () => finish('awake');
      const poll = setInterval(() => {
        if (this.local.getByEndpoint(owned.registration.endpoint) !== owned) finish('moved');
        else if (this.requests.isAwake(owned)) finish('awake');
        else if (Date.now() >= deadline) finish('expired');
      }, pollMs);
      owned.hold(release);
    });
  }

  async finish(request: TracedDownlinkRequest, outcome: Outcome): Promise<void> {
    // Outside an execution (the sweeper expiring a request) the outcome's send continues the request's own trace.
    if (this.tracing.enabled && request.trace && !hasActiveSpan()) {
      const parent = this.tracing.extract(request.trace);
      await runInContext(parent, () => this.publishOutcome(request, outcome));
      return;
    }
    await this.publishOutcome(request, outcome);
  }

  private async publishOutcome(request: DownlinkRequest, outcome: Outcome): Promise<void> {
    await this.results.publish({
      v: DOWNLINK_SCHEMA_VERSION,
      id: request.id,
      tenant: request.tenant,
      endpoint: request.endpoint,
      op: request.operation.op,
      instanceId: this.options.instanceId,
      completedAt: Date.now(),
      ...outcome,
    });
  }
}

function toOutcome(r: DeviceRequestResult): Outcome {
  return {
    status: r.status,
    ...(r.coapCode !== undefined ? { coapCode: r.coapCode } : {}),
    ...(r.contentFormat !== undefined ? { contentFormat: r.contentFormat } : {}),
    ...(r.payload !== undefined ? { payload: r.payload.toString('base64') } : {}),
    ...(r.error !== undefined ? { error: r.error.slice(0, 2000) } : {}),
  };
}
