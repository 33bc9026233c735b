import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export interface LoggerSettings {
  /** The app name, e.g. `coap-ingest`; becomes the `app` field of every line. */
  readonly app: string;
  readonly level?: string;
  /** Extra fixed fields (instance id, version). */
  readonly base?: Record<string, unknown>;
}

/**
 * Structured JSON logs on stdout (one object per line), ISO timestamps, `err` serialized with its stack.
 * Children carry the class as `context` and correlation ids (endpoint, token, offset) as fields.
 */
export function createLogger(settings: LoggerSettings, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { app: settings.app, pid: process.pid, ...settings.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err },
  };
  return destination ? pino(options, destination) : pino(options);
}
