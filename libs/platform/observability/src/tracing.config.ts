import { bool, secret } from '@smartcity/platform-config';
import { z } from 'zod';
import { type Logger } from 'pino';
import { DEFAULT_OTLP_ENDPOINT, type TracingSettings } from './tracing';

/**
 * The tracing variables every app's configuration schema spreads in (`...tracingConfigShape`), so they are
 * validated, documented and printed at startup like the rest. Off by default.
 */
export const tracingConfigShape = {
  /** OpenTelemetry tracing with an OTLP/HTTP exporter (`true`/`false`). */
  TRACING_ENABLED: bool(false),
  /** Share of new traces recorded, 0..1 (parent-based: a span with a parent follows the parent's decision). */
  TRACING_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
  /** OTLP/HTTP base URL of the collector (the OpenTelemetry variable); traces go to `<url>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().default(DEFAULT_OTLP_ENDPOINT),
  /**
   * Headers of every export request, `name=value,name2=value2` (the OpenTelemetry variable; values URL-encoded),
   * e.g. `authorization=Bearer%20<token>` for a collector that wants a credential: a secret. Read here and handed
   * to the exporter, which no longer reads it from the environment itself (tracing.ts `otlpExporter`).
   */
  OTEL_EXPORTER_OTLP_HEADERS: secret(z.string().max(8192))
    .transform((raw, ctx) => {
      try {
        return parseOtlpHeaders(raw);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  /** `service.name` of the spans; default the app's name. */
  OTEL_SERVICE_NAME: z.string().min(1).max(100).optional(),
};

export interface TracingConfig {
  readonly TRACING_ENABLED: boolean;
  readonly TRACING_SAMPLE_RATIO: number;
  readonly OTEL_EXPORTER_OTLP_ENDPOINT: string;
  readonly OTEL_SERVICE_NAME?: string | undefined;
  readonly OTEL_EXPORTER_OTLP_HEADERS?: Readonly<Record<string, string>> | undefined;
}

/** A header name: an RFC 9110 §5.6.2 token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * `OTEL_EXPORTER_OTLP_HEADERS` as a record: comma-separated `key=value` pairs (OpenTelemetry "Specify Protocol"
 * exporter configuration, the W3C Baggage list format), keys trimmed, values trimmed and URL-decoded. Throws on
 * a pair that is not `key=value` or a name that is no header name (the message never holds a value).
 */
export function parseOtlpHeaders(raw: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [i, pair] of raw.split(',').entries()) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const name = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    if (eq < 0 || !TOKEN.test(name)) throw new Error(`entry ${i + 1} is not name=value with a header name`);
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      throw new Error(`the value of ${name} is not URL-encoded`);
    }
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** The settings of `createTracing` from an app's validated configuration. */
export function tracingSettingsFrom(
  config: TracingConfig,
  app: string,
  instanceId?: string,
  logger?: Logger,
): TracingSettings {
  return {
    ...(logger ? { logger } : {}),
    enabled: config.TRACING_ENABLED,
    serviceName: config.OTEL_SERVICE_NAME ?? app,
    sampleRatio: config.TRACING_SAMPLE_RATIO,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    ...(config.OTEL_EXPORTER_OTLP_HEADERS ? { otlpHeaders: config.OTEL_EXPORTER_OTLP_HEADERS } : {}),
    ...(instanceId ? { serviceInstanceId: instanceId } : {}),
  };
}
