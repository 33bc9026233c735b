import { ContentFormat, encode } from '@smartcity/lwm2m-codec';
import {
  Lwm2mPath,
  type Lwm2mRecord,
  SECURITY_1_2,
  SERVER_1_2,
  staticModelProvider,
} from '@smartcity/lwm2m-core';
import { type TypedObjectWrite } from '@smartcity/platform-db';

/** What one device gets: its LwM2M server account (the platform generated the PSK for this sequence). */
export interface ServerAccount {
  readonly serverUri: string;
  readonly shortServerId: number;
  readonly lifetime: number;
  readonly binding: string;
  /** Server resources 2 and 3 (Core 1.1.1 §E.2), seconds; null: not written. */
  readonly defaultMinPeriod: number | null;
  readonly defaultMaxPeriod: number | null;
  /** Object instances written after the account, in order (the device's category's, typed by their models). */
  readonly objectWrites: readonly TypedObjectWrite[];
  /** RFC 4279 identity and key the device will use with the LwM2M server (not the bootstrap credential). */
  readonly pskIdentity: string;
  readonly pskKey: Buffer;
  /** Not written: the key is staged to replace the device's current credential once it registers (rotation). */
  readonly rotation?: boolean;
}

/** Formats the bootstrap server can write in, by preference when the client names none (`pct`). */
export const WRITE_FORMATS: readonly number[] = [
  ContentFormat.TLV,
  ContentFormat.SENML_CBOR,
  ContentFormat.SENML_JSON,
  ContentFormat.LWM2M_CBOR,
];

/**
 * The content format of the Bootstrap-Writes: the client's preferred one (`pct`, Core 1.1.1 §6.1.7.1, "Preferred
 * Content Format") when we write it, else TLV, which every LwM2M 1.0 and 1.1 client reads (Core 1.1.1 §7.4.3).
 * Undefined: the client asks for a format we cannot write (the request is then answered 4.15).
 */
export function writeFormatFor(pct: number | undefined): number | undefined {
  if (pct === undefined) return ContentFormat.TLV;
  return WRITE_FORMATS.includes(pct) ? pct : undefined;
}

const MODELS = staticModelProvider([SECURITY_1_2, SERVER_1_2]);

/** Security Mode resource values (Core 1.1.1 §E.1, resource 2). */
const SECURITY_MODE_PSK = 0;

/**
 * The LwM2M Server's Security object instance (Core 1.1.1 §E.1): URI (0), not a Bootstrap-Server (1), Security Mode
 * PSK (2), PSK identity (3, "Public Key or Identity"), no server public key (4), the key (5, "Secret Key"), Short
 * Server ID (10). Returns the encoded body; it carries the key, so callers never log it.
 */
export function securityInstance(
  instanceId: number,
  account: ServerAccount,
  format: number,
): { path: Lwm2mPath; payload: Buffer } {
  const path = new Lwm2mPath(0, instanceId);
  const r = (id: number) => path.child(id);
  const records: Lwm2mRecord[] = [
    { path: r(0), type: 'string', value: account.serverUri },
    { path: r(1), type: 'boolean', value: false },
    { path: r(2), type: 'integer', value: SECURITY_MODE_PSK },
    { path: r(3), type: 'opaque', value: Buffer.from(account.pskIdentity, 'utf8') },
    { path: r(4), type: 'opaque', value: Buffer.alloc(0) },
    { path: r(5), type: 'opaque', value: account.pskKey },
    { path: r(10), type: 'integer', value: account.shortServerId },
  ];
  return { path, payload: Buffer.from(encode(records, format, { path, models: MODELS })) };
}

/**
 * The Server object instance (Core 1.1.1 §E.2): Short Server ID (0), Lifetime (1), Default Minimum and Maximum
 * Period (2, 3: the observation attributes the device applies when an Observe names none, §5.1.2) when configured,
 * Notification Storing When Disabled or Offline (6, false: nothing is queued by default), Binding (7).
 */
export function serverInstance(
  instanceId: number,
  account: ServerAccount,
  format: number,
): { path: Lwm2mPath; payload: Buffer } {
  const path = new Lwm2mPath(1, instanceId);
  const r = (id: number) => path.child(id);
  const records: Lwm2mRecord[] = [
    { path: r(0), type: 'integer', value: account.shortServerId },
    { path: r(1), type: 'integer', value: account.lifetime },
    ...(account.defaultMinPeriod === null
      ? []
      : [{ path: r(2), type: 'integer', value: account.defaultMinPeriod } as const]),
    ...(account.defaultMaxPeriod === null
      ? []
      : [{ path: r(3), type: 'integer', value: account.defaultMaxPeriod } as const]),
    { path: r(6), type: 'boolean', value: false },
    { path: r(7), type: 'string', value: account.binding },
  ];
  return { path, payload: Buffer.from(encode(records, format, { path, models: MODELS })) };
}

/** One configured object write, encoded with the model that typed it (a uCIFI default, issue 18). */
export function objectInstance(
  write: TypedObjectWrite,
  format: number,
): { path: Lwm2mPath; payload: Buffer } {
  const models = staticModelProvider([write.model]);
  return {
    path: write.path,
    payload: Buffer.from(encode(write.records, format, { path: write.path, models })),
  };
}
