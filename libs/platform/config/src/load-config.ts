import { type z } from 'zod';

/** Raised at startup when the environment does not describe a valid configuration; lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const SECRET = Symbol.for('smartcity.config.secret');

/** Marks a schema as secret: `describeConfig` prints it as `***`. */
export function secret<S extends z.ZodType>(schema: S): S {
  (schema as unknown as Record<symbol, boolean>)[SECRET] = true;
  return schema;
}

function isSecret(schema: z.ZodType): boolean {
  let current: unknown = schema;
  // Unwrap defaults/optionals to find the marker set on the inner schema.
  for (let i = 0; i < 5 && current; i++) {
    if ((current as Record<symbol, boolean>)[SECRET]) return true;
    const def = (current as { def?: { innerType?: unknown; in?: unknown } }).def;
    current = def?.innerType ?? def?.in;
  }
  return false;
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

/**
 * Validates the environment against a zod object whose keys are the variable names
 * (e.g. `{ KAFKA_BROKERS: z.string().default('127.0.0.1:9092') }`). Empty strings count as unset so a
 * blank variable falls back to the documented default.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: EnvSource = process.env): z.infer<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return result.data;
}

/** The configuration as printable lines, secrets redacted (for the startup log). */
export function describeConfig<S extends z.ZodObject>(
  schema: S,
  config: z.infer<S>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    out[key] = isSecret(field as z.ZodType) ? '***' : (config as Record<string, unknown>)[key];
  }
  return out;
}
