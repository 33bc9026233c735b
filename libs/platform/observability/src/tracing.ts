import {
  type Attributes,
  context,
  type Context,
  diag,
  DiagLogLevel,
  type Link,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { type Logger } from 'pino';

export { SpanKind, SpanStatusCode, ROOT_CONTEXT } from '@opentelemetry/api';
export type { Attributes, Context, Link, Span, Tracer } from '@opentelemetry/api';
/** For tests: `createTracing({ enabled: true, serviceName, exporter: new InMemorySpanExporter() })`. */
export { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
export type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** W3C Trace Context (https://www.w3.org/TR/trace-context/ §3.2, §3.3): the two fields that carry a trace. */
export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';

/** The OTLP/HTTP receiver of a collector on the same host (OpenTelemetry's default port 4318). */
export const DEFAULT_OTLP_ENDPOINT = 'http://127.0.0.1:4318';

export interface TracingSettings {
  /** Off: no provider, no exporter, no span objects (see `Tracing.enabled`). */
  readonly enabled: boolean;
  /** The `service.name` resource attribute, e.g. `coap-ingest`. */
  readonly serviceName: string;
  /** `service.instance.id` (the app's instance id: pod name, `<host>-<pid>`). */
  readonly serviceInstanceId?: string;
  /**
   * Share of new traces recorded (0..1), decided where a trace starts (CoAP request, GraphQL command); a span
   * with a parent follows the parent's decision (the `sampled` flag of traceparent), so a trace is whole or absent.
   */
  readonly sampleRatio?: number;
  /** OTLP/HTTP base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`); spans are posted to `<endpoint>/v1/traces`. */
  readonly otlpEndpoint?: string;
  /** Headers of each OTLP export request (`OTEL_EXPORTER_OTLP_HEADERS`, parsed by the app's configuration). */
  readonly otlpHeaders?: Readonly<Record<string, string>>;
  /** Tests: spans go to this exporter as each ends (SimpleSpanProcessor) instead of OTLP. */
  readonly exporter?: SpanExporter;
  /**
   * Where the SDK's own warnings and errors go (an unreachable collector, dropped spans), at most one line per
   * distinct message a minute. Without it they are discarded (the API's default).
   */
  readonly logger?: Logger;
}

/**
 * Tracing of one app. Everything that creates spans receives this object (constructor injection), not the global
 * tracer provider: two apps in one test process keep their own `service.name`, and a disabled app cannot pick up
 * another's provider.
 *
 * Hot paths test `enabled` before anything else. When it is false they allocate nothing for tracing: no span (the
 * API's no-op tracer would still allocate a NonRecordingSpan per call), no header record, no context; the one
 * cost per message is that boolean test. `inject`/`extract` are also no-ops then, so no `traceparent` is written.
 */
export interface Tracing {
  readonly enabled: boolean;
  readonly serviceName: string;
  readonly tracer: Tracer;
  /** Writes `traceparent` (and `tracestate` when there is one) of the span in `ctx` into `carrier`. */
  inject(carrier: Record<string, string>, ctx?: Context): void;
  /** The remote parent carried by `traceparent`/`tracestate` in `carrier` (ROOT_CONTEXT without a valid one). */
  extract(carrier: Readonly<Record<string, string>>): Context;
  /** Exports what is buffered (tests, shutdown). */
  forceFlush(): Promise<void>;
  /** Flushes and stops the exporter. */
  shutdown(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();

const recordGetter: TextMapGetter<Readonly<Record<string, string>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** The tracing of an app with tracing off (the default). */
export const TRACING_DISABLED: Tracing = Object.freeze({
  enabled: false,
  serviceName: 'disabled',
  tracer: new ProxyTracerProvider().getTracer('disabled'),
  inject: () => undefined,
  extract: () => ROOT_CONTEXT,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
});

let contextManagerInstalled = false;

/**
 * The context manager is the one process-wide piece: `context.with()` and `context.active()` go through the API's
 * global. It is installed once, by the first enabled tracing; while tracing is off the API keeps its no-op
 * manager, whose `with()` only calls the function.
 */
function installContextManager(): void {
  if (contextManagerInstalled) return;
  contextManagerInstalled = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

let diagLoggerInstalled = false;

/**
 * The SDK reports export failures through the API's diagnostic logger (process-wide, like the context manager):
 * to the app's log as warnings, throttled, so a collector that is down for an hour is a line a minute, not a line
 * per batch.
 */
function installDiagLogger(logger: Logger): void {
  if (diagLoggerInstalled) return;
  diagLoggerInstalled = true;
  const log = logger.child({ context: 'OpenTelemetry' });
  const lastSeen = new Map<string, number>();
  const throttled =
    (level: 'warn' | 'error') =>
    (message: string, ...args: unknown[]): void => {
      const text = readable(message);
      const now = Date.now();
      if ((lastSeen.get(text) ?? -Infinity) > now - 60_000) return;
      if (lastSeen.size > 100) lastSeen.clear();
      lastSeen.set(text, now);
      const err = args.find((a): a is Error => a instanceof Error);
      log[level]({ ...(err ? { err } : {}), details: args.filter((a) => a !== err).map(String) }, text);
    };
  const ignore = (): void => undefined;
  diag.setLogger(
    { error: throttled('error'), warn: throttled('warn'), info: ignore, debug: ignore, verbose: ignore },
    DiagLogLevel.WARN,
  );
}

/** The SDK's error handler hands errors over as their JSON (with the stack): keep the message only. */
function readable(message: string): string {
  if (!message.startsWith('{')) return message;
  try {
    const parsed = JSON.parse(message) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : message;
  } catch {
    return message;
  }
}

/**
 * Variables the OTLP exporter reads from the environment on its own when it is built, and merges under the headers
 * it is given (otlp-exporter-base `getNodeHttpConfigurationFromEnvironment`): they hold credentials, so the app's
 * validated configuration is their only reader (tracing.config.ts) and the exporter must not see them.
 */
const EXPORTER_HEADER_VARIABLES = [
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
] as const;

/** The OTLP/HTTP exporter with exactly these headers: the header variables are hidden while it reads the env. */
function otlpExporter(url: string, headers: Readonly<Record<string, string>>): SpanExporter {
  // Not a configuration read: the variables are taken away from the SDK's reader and put back unread.
  // eslint-disable-next-line no-restricted-properties
  const env = process.env;
  const saved = EXPORTER_HEADER_VARIABLES.map((name) => [name, env[name]] as const);
  for (const name of EXPORTER_HEADER_VARIABLES) delete env[name];
  try {
    return new OTLPTraceExporter({ url, headers: { ...headers } });
  } finally {
    for (const [name, value] of saved) if (value !== undefined) env[name] = value;
  }
}

/** Builds an app's tracing from its settings. */
export function createTracing(settings: TracingSettings): Tracing {
  if (!settings.enabled) return TRACING_DISABLED;
  installContextManager();
  if (settings.logger) installDiagLogger(settings.logger);
  const ratio = settings.sampleRatio ?? 1;
  const exporter =
    settings.exporter ??
    otlpExporter(
      `${(settings.otlpEndpoint ?? DEFAULT_OTLP_ENDPOINT).replace(/\/+$/, '')}/v1/traces`,
      settings.otlpHeaders ?? {},
    );
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': settings.serviceName,
      ...(settings.serviceInstanceId ? { 'service.instance.id': settings.serviceInstanceId } : {}),
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    // Batches are bounded (queue 2048, then spans are dropped, never memory): an unreachable collector cannot grow
    // the process. Tests export each span as it ends.
    spanProcessors: [
      settings.exporter
        ? new SimpleSpanProcessor(exporter)
        : new BatchSpanProcessor(exporter, { maxQueueSize: 2048, scheduledDelayMillis: 2000 }),
    ],
  });
  return {
    enabled: true,
    serviceName: settings.serviceName,
    tracer: provider.getTracer(settings.serviceName),
    inject: (carrier, ctx = context.active()) => propagator.inject(ctx, carrier, recordSetter),
    extract: (carrier) => propagator.extract(ROOT_CONTEXT, carrier, recordGetter),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

export interface SpanSettings {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  readonly links?: Link[];
  /** The parent; default the active context. ROOT_CONTEXT starts a new trace. */
  readonly parent?: Context;
}

/**
 * Runs `fn` inside a new span (active for everything `fn` starts, so a Kafka send inside becomes its child) and
 * ends it when `fn` settles; a rejection marks it ERROR with the exception. Tracing off: calls `fn(undefined)`
 * and nothing else.
 */
export function withSpan<T>(
  tracing: Tracing,
  name: string,
  settings: SpanSettings,
  fn: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!tracing.enabled) return fn(undefined);
  const parent = settings.parent ?? context.active();
  const span = tracing.tracer.startSpan(
    name,
    { kind: settings.kind ?? SpanKind.INTERNAL, attributes: settings.attributes, links: settings.links },
    parent,
  );
  return context.with(trace.setSpan(parent, span), () =>
    fn(span).then(
      (value) => {
        span.end();
        return value;
      },
      (err: unknown) => {
        failSpan(span, err);
        span.end();
        throw err;
      },
    ),
  );
}

/** Marks a span failed with the exception (OpenTelemetry exception event + ERROR status). */
export function failSpan(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** Runs `fn` with `span` as the active span (tracing off or no span: just runs it). */
export function runInSpan<T>(span: Span | undefined, fn: () => T, parent: Context = context.active()): T {
  if (!span) return fn();
  return context.with(trace.setSpan(parent, span), fn);
}

/** The active context (the caller's span, when there is one). */
export function activeContext(): Context {
  return context.active();
}

/** Runs `fn` in `ctx` (its span becomes the parent of what `fn` starts). */
export function runInContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}

/** Whether a span is active (a caller already set the parent). */
export function hasActiveSpan(): boolean {
  return trace.getSpan(context.active()) !== undefined;
}

/** The context holding `span` (for explicit parents across callbacks that do not inherit the active context). */
export function contextWithSpan(span: Span, parent: Context = ROOT_CONTEXT): Context {
  return trace.setSpan(parent, span);
}

/** Whether the span will be exported (sampled): skip work that only feeds a non-recording span. */
export function isRecording(span: Span | undefined): span is Span {
  return span !== undefined && span.isRecording();
}
