/** The logging the client does, pino-compatible (`logger.child({ endpoint })` fits) without depending on pino. */
export interface ClientLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export const SILENT_LOGGER: ClientLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
};
