import { InMemorySpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createLogger } from './logger';
import {
  activeContext,
  createTracing,
  ROOT_CONTEXT,
  SpanKind,
  TRACEPARENT_HEADER,
  TRACING_DISABLED,
  withSpan,
} from './tracing';
import { tracingConfigShape, tracingSettingsFrom } from './tracing.config';
import { z } from 'zod';

describe('tracing', () => {
  it('is off by default in the configuration, with the documented defaults', () => {
    const config = z.object(tracingConfigShape).parse({});
    expect(config).toEqual({
      TRACING_ENABLED: false,
      TRACING_SAMPLE_RATIO: 1,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
    });
    expect(createTracing(tracingSettingsFrom(config, 'app'))).toBe(TRACING_DISABLED);
    expect(() => z.object(tracingConfigShape).parse({ TRACING_SAMPLE_RATIO: '1.5' })).toThrow();
  });

  it('disabled: withSpan passes no span, inject writes nothing, extract gives the root context', async () => {
    const carrier: Record<string, string> = {};
    await withSpan(TRACING_DISABLED, 'x', {}, async (span) => {
      expect(span).toBeUndefined();
      TRACING_DISABLED.inject(carrier);
    });
    expect(carrier).toEqual({});
    expect(
      TRACING_DISABLED.extract({ traceparent: '00-' + '1'.repeat(32) + '-' + '2'.repeat(16) + '-01' }),
    ).toBe(ROOT_CONTEXT);
  });

  it('enabled: a child span, its traceparent in the carrier, and the remote parent extracted back', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ enabled: true, serviceName: 'svc', exporter });
    const carrier: Record<string, string> = {};
    await withSpan(tracing, 'outer', { kind: SpanKind.SERVER }, async () => {
      await withSpan(tracing, 'inner', {}, async () => {
        tracing.inject(carrier, activeContext());
      });
    });
    const [inner, outer] = exporter.getFinishedSpans();
    expect(outer!.name).toBe('outer');
    expect(inner!.parentSpanContext?.spanId).toBe(outer!.spanContext().spanId);
    expect(inner!.spanContext().traceId).toBe(outer!.spanContext().traceId);
    expect(outer!.resource.attributes['service.name']).toBe('svc');
    // W3C Trace Context §3.2: version-traceid-parentid-flags, sampled.
    expect(carrier[TRACEPARENT_HEADER]).toBe(
      `00-${inner!.spanContext().traceId}-${inner!.spanContext().spanId}-01`,
    );
    const remote = tracing.extract(carrier);
    const child = tracing.tracer.startSpan('remote child', {}, remote);
    child.end();
    expect(exporter.getFinishedSpans()[2]!.parentSpanContext?.spanId).toBe(inner!.spanContext().spanId);
    await tracing.shutdown();
  });

  it('marks a failed span ERROR and rethrows', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ enabled: true, serviceName: 'svc', exporter });
    await expect(
      withSpan(tracing, 'failing', {}, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const [span] = exporter.getFinishedSpans();
    expect(span!.status).toEqual({ code: 2, message: 'boom' });
    expect(span!.events[0]!.name).toBe('exception');
  });

  it('sampling ratio 0 records no new trace, and a child of an unsampled parent is not recorded either', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ enabled: true, serviceName: 'svc', exporter, sampleRatio: 0 });
    const carrier: Record<string, string> = {};
    await withSpan(tracing, 'root', {}, async (span) => {
      expect(span!.isRecording()).toBe(false);
      tracing.inject(carrier, activeContext());
    });
    expect(carrier[TRACEPARENT_HEADER]).toMatch(/-00$/);
    const child = tracing.tracer.startSpan('child', {}, tracing.extract(carrier));
    expect(child.isRecording()).toBe(false);
    child.end();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});

describe('tracing diagnostics', () => {
  it('reports an export failure in the app log, once a minute for the same message', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger(
      { app: 'svc', level: 'warn' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const failing: SpanExporter = {
      export: (_spans, done) => done({ code: 1, error: new Error('collector unreachable') }),
      shutdown: () => Promise.resolve(),
    };
    const tracing = createTracing({ enabled: true, serviceName: 'svc', exporter: failing, logger });
    tracing.tracer.startSpan('one').end();
    tracing.tracer.startSpan('two').end();
    await new Promise((r) => setImmediate(r));
    const reports = lines.filter((l) => l['context'] === 'OpenTelemetry');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ level: 'error', msg: 'collector unreachable' });
  });
});
