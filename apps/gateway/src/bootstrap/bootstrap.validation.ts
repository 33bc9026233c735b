import {
  BootstrapLineError,
  type BootstrapOverride,
  type BootstrapServerConfig,
  checkBootstrapConfig,
  checkBootstrapLines,
  type CheckedBootstrapLine,
  CredentialInputError,
  typeObjectWrites,
} from '@smartcity/platform-db';
import { type ModelRegistry } from '@smartcity/ucifi-model';
import { GatewayException } from '../errors/gateway.exception';

/** Lines per `importBootstrapCredentials` call: one tenant transaction of bounded size; bigger batches: call again. */
export const MAX_IMPORT_ENTRIES = 1000;
/** As the bootstrap_credentials.batch column allows. */
const MAX_BATCH_NAME = 128;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Defaults of a configuration (as the CLI's `bootstrap config`): lifetime 300 s, UDP, short server id 1. */
const DEFAULTS = { lifetime: 300, binding: 'U', shortServerId: 1 } as const;

export interface ConfigFields {
  readonly serverUri: string;
  readonly lifetime?: number | null;
  readonly binding?: string | null;
  readonly shortServerId?: number | null;
  readonly defaultMinPeriod?: number | null;
  readonly defaultMaxPeriod?: number | null;
  readonly objectWrites?: readonly ObjectWriteFields[] | null;
}

export interface ObjectWriteFields {
  readonly path: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly categories?: readonly string[] | null;
  readonly objectVersion?: string | null;
}

export type OverrideFields = {
  readonly [K in keyof BootstrapOverride]?: BootstrapOverride[K] | null;
};

export interface EntryFields {
  readonly endpoint: string;
  readonly identity: string;
  readonly keyHex: string;
}

/**
 * The tenant's configuration with defaults; BAD_USER_INPUT naming `input`. Object writes are typed against the
 * platform's object models now (unknown object, resource or version, a value of the wrong type), so a bad one is
 * refused here rather than at every device's bootstrap.
 */
export function checkConfigInput(input: ConfigFields, models: ModelRegistry): BootstrapServerConfig {
  const config = {
    serverUri: input.serverUri,
    lifetime: input.lifetime ?? DEFAULTS.lifetime,
    binding: input.binding ?? DEFAULTS.binding,
    shortServerId: input.shortServerId ?? DEFAULTS.shortServerId,
    defaultMinPeriod: input.defaultMinPeriod ?? null,
    defaultMaxPeriod: input.defaultMaxPeriod ?? null,
    objectWrites: (input.objectWrites ?? []).map((w) => ({
      path: w.path,
      values: w.values,
      categories: w.categories ?? [],
      ...(w.objectVersion != null ? { objectVersion: w.objectVersion } : {}),
    })),
  };
  inputErrors(() => {
    checkBootstrapConfig(config);
    typeObjectWrites(config.objectWrites, models);
  }, 'input');
  return config;
}

/** A device's override: only the fields given; none at all means "remove it". */
export function checkOverrideInput(input: OverrideFields | null | undefined): BootstrapOverride {
  const override: BootstrapOverride = {
    ...(input?.serverUri != null ? { serverUri: input.serverUri } : {}),
    ...(input?.lifetime != null ? { lifetime: input.lifetime } : {}),
    ...(input?.binding != null ? { binding: input.binding } : {}),
  };
  inputErrors(() => checkBootstrapConfig(override), 'input');
  return override;
}

/**
 * A vendor batch: 1 to MAX_IMPORT_ENTRIES lines, each checked like the CLI's (libs/platform/db bootstrap-input).
 * Errors are BAD_USER_INPUT naming the line (`entries[i]`) and never contain the key.
 */
export function checkImportInput(
  batch: string | null | undefined,
  entries: readonly EntryFields[],
): { batch: string | undefined; lines: CheckedBootstrapLine[] } {
  if (batch != null && (batch.length < 1 || batch.length > MAX_BATCH_NAME || CONTROL.test(batch))) {
    throw GatewayException.badInput(`a batch name is 1 to ${MAX_BATCH_NAME} printable characters`, 'batch');
  }
  if (entries.length < 1 || entries.length > MAX_IMPORT_ENTRIES) {
    throw GatewayException.badInput(`give 1 to ${MAX_IMPORT_ENTRIES} entries per call`, 'entries');
  }
  try {
    return { batch: batch ?? undefined, lines: checkBootstrapLines(entries, (i) => `entries[${i}]`) };
  } catch (err) {
    if (err instanceof BootstrapLineError) {
      throw GatewayException.badInput(err.message, `entries[${err.index}]`);
    }
    throw err;
  }
}

function inputErrors(check: () => void, argument: string): void {
  try {
    check();
  } catch (err) {
    if (err instanceof CredentialInputError) throw GatewayException.badInput(err.message, argument);
    throw err;
  }
}
