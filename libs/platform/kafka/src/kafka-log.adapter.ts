import { type Logger } from '@smartcity/platform-observability';
import { logLevel, type logCreator, type LogEntry } from 'kafkajs';

/** kafkajs log level matching a pino level, so kafkajs is no chattier than the app. */
export function kafkaLogLevel(pinoLevel: string): logLevel {
  switch (pinoLevel) {
    case 'trace':
    case 'debug':
      return logLevel.DEBUG;
    case 'info':
      // kafkajs logs every (re)connection and group join at INFO; those are operational noise at info.
      return logLevel.WARN;
    case 'warn':
      return logLevel.WARN;
    case 'silent':
      return logLevel.NOTHING;
    default:
      return logLevel.ERROR;
  }
}

/** Routes kafkajs log entries into a pino logger (child with `context: kafkajs/<namespace>`). */
export function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _kafkaLogger, ...fields } = log;
      const context = { context: `kafkajs/${namespace}`, ...fields };
      switch (level) {
        case logLevel.ERROR:
          logger.error(context, message);
          return;
        case logLevel.WARN:
          logger.warn(context, message);
          return;
        case logLevel.INFO:
          logger.info(context, message);
          return;
        case logLevel.DEBUG:
          logger.debug(context, message);
          return;
        case logLevel.NOTHING:
          return;
      }
    };
}
