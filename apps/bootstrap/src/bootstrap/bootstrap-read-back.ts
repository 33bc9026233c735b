import { decode } from '@smartcity/lwm2m-codec';
import { type Lwm2mPath, type Lwm2mRecord, SERVER_1_2, staticModelProvider } from '@smartcity/lwm2m-core';
import { type DeviceResponse } from './bootstrap-sequence';
import { type ServerAccount } from './bootstrap-writes';

const MODELS = staticModelProvider([SERVER_1_2]);

/**
 * True when a Bootstrap-Read of the Server instance (Core 1.1.1 §6.1.7.3) shows the account written: Short Server
 * ID (0) and Lifetime (1) equal, Binding (7) the same letters (clients may reorder them), and the default periods
 * (2, 3) equal where they were written. An answer without Content-Format is read in the format asked for (the
 * Accept sent); one that cannot be decoded shows nothing and does not match.
 */
export function readBackMatches(
  response: DeviceResponse,
  path: Lwm2mPath,
  account: ServerAccount,
  accepted: number,
): boolean {
  let records: Lwm2mRecord[];
  try {
    records = decode(response.payload, response.contentFormat ?? accepted, { path, models: MODELS });
  } catch {
    return false;
  }
  const valueOf = (resourceId: number) =>
    records.find((r) => r.path.objectId === 1 && r.path.resourceId === resourceId && r.path.depth === 3)
      ?.value;
  const sameNumber = (resourceId: number, expected: number) => Number(valueOf(resourceId)) === expected;
  const binding = valueOf(7);
  return (
    sameNumber(0, account.shortServerId) &&
    sameNumber(1, account.lifetime) &&
    typeof binding === 'string' &&
    [...binding].sort().join('') === [...account.binding].sort().join('') &&
    (account.defaultMinPeriod === null || sameNumber(2, account.defaultMinPeriod)) &&
    (account.defaultMaxPeriod === null || sameNumber(3, account.defaultMaxPeriod))
  );
}
