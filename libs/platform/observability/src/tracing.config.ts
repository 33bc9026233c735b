import { bool } from '@smartcity/platform-config';
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
  /**
   * OTLP/HTTP base URL of the collector (the OpenTelemetry variable); traces go to `<url>/v1/traces`.
   * `OTEL_EXPORTER_OTLP_HEADERS` (e.g. an authorization header) is read by the exporter itself.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().default(DEFAULT_OTLP_ENDPOINT),
  /** `service.name` of the spans; default the app's name. */
  OTEL_SERVICE_NAME: z.string().min(1).max(100).optional(),
};

export interface TracingConfig {
  readonly TRACING_ENABLED: boolean;
  readonly TRACING_SAMPLE_RATIO: number;
  readonly OTEL_EXPORTER_OTLP_ENDPOINT: string;
  readonly OTEL_SERVICE_NAME?: string | undefined;
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
    ...(instanceId ? { serviceInstanceId: instanceId } : {}),
  };
}
