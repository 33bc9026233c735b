import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { type AddressInfo } from 'node:net';
import { InMemorySpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describeConfig } from '@smartcity/platform-config';
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
import { parseOtlpHeaders, tracingConfigShape, tracingSettingsFrom } from './tracing.config';
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

describe('OTLP export headers (OTEL_EXPORTER_OTLP_HEADERS)', () => {
  const shape = z.object(tracingConfigShape);

  it('parses name=value pairs, URL-decoded, and is a secret the startup log prints as ***', () => {
    const config = shape.parse({
      TRACING_ENABLED: 'true',
      OTEL_EXPORTER_OTLP_HEADERS: ' Authorization = Bearer%20s3cret , x-tenant=ops,',
    });
    expect(config.OTEL_EXPORTER_OTLP_HEADERS).toEqual({ authorization: 'Bearer s3cret', 'x-tenant': 'ops' });
    expect(tracingSettingsFrom(config, 'app').otlpHeaders).toEqual(config.OTEL_EXPORTER_OTLP_HEADERS);
    expect(describeConfig(shape, config)['OTEL_EXPORTER_OTLP_HEADERS']).toBe('***');
    expect(parseOtlpHeaders('')).toEqual({});
  });

  it.each([['no-equals'], ['bad name=x'], ['a=%E0%A4%A']])('refuses %j without echoing it', (raw) => {
    const result = shape.safeParse({ OTEL_EXPORTER_OTLP_HEADERS: raw });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).not.toContain('%E0');
  });

  it('sends the configured headers, and none the exporter would read from the environment itself', async () => {
    // The exporter merges the variables it reads under the headers it is given: TRACES_HEADERS would be sent.
    const received: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      received.push(req.headers);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // The real exporter in a process of its own (Jest cannot run its dynamic imports), configured as an app is:
    // from its environment, where the exporter would also find the header variables.
    const app = `
      const { loadConfig } = require('./libs/platform/config/src/index.ts');
      const o = require('./libs/platform/observability/src/index.ts');
      const { z } = require('zod');
      const tracing = o.createTracing(o.tracingSettingsFrom(loadConfig(z.object(o.tracingConfigShape)), 'app'));
      tracing.tracer.startSpan('exported').end();
      tracing.forceFlush().then(() => tracing.shutdown()).then(() => process.exit(0));`;
    try {
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, ['-r', './tools/register.js', '-e', app], {
          cwd: join(__dirname, '..', '..', '..', '..'),
          env: {
            TRACING_ENABLED: 'true',
            OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
            OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20s3cret',
            OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-traces-from-env=leak',
          },
          stdio: 'inherit',
        });
        child.once('error', reject);
        child.once('exit', resolve);
      });
      expect(code).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ authorization: 'Bearer s3cret' });
    expect(received[0]).not.toHaveProperty('x-traces-from-env');
  });
});
