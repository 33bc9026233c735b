import { isUuid } from '../common/cursor';
import { GatewayException } from '../errors/gateway.exception';
import { type AreaPolygon, parseAreaPolygon, PolygonError } from './geojson-polygon';
import { type CreateWaterAreaInput, type UpdateWaterAreaInput } from './water-area.models';

export const MAX_AREA_MEMBERS = 10_000;
/** The longest waterBalance range, in days. */
export const MAX_BALANCE_DAYS = 732;
const CONTROL = /[\u0000-\u001f\u007f]/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A device named by the caller: by id or by endpoint (`at` is the argument, for the error). */
export interface DeviceRef {
  readonly id?: string;
  readonly endpoint?: string;
  readonly at: string;
}

/** The members of an area: named ones, or the water meters inside a polygon. */
export type MembersSpec =
  | { readonly kind: 'list'; readonly refs: readonly DeviceRef[] }
  | { readonly kind: 'polygon'; readonly polygon: AreaPolygon };

export interface AreaDraft {
  readonly name?: string;
  readonly inlet?: DeviceRef;
  readonly members?: MembersSpec;
  /** `null`: the polygon is dropped and the current members kept as a list (update only). */
  readonly dropPolygon?: boolean;
  readonly nightFlowRiseRatio?: number | null;
  readonly lossRateRisePoints?: number | null;
}

function name(value: string, at: string): string {
  const n = value.trim();
  if (n.length < 1 || n.length > 200 || CONTROL.test(n))
    throw GatewayException.badInput('name must be 1 to 200 printable characters', at);
  return n;
}

function inlet(
  input: { inletDeviceId?: string | null; inletEndpoint?: string | null },
  required: boolean,
): DeviceRef | undefined {
  const id = input.inletDeviceId ?? null;
  const endpoint = input.inletEndpoint ?? null;
  if (id !== null && endpoint !== null)
    throw GatewayException.badInput('give the inlet by id or by endpoint, not both', 'input.inletEndpoint');
  if (id !== null) return { id: id.toLowerCase(), at: 'input.inletDeviceId' };
  if (endpoint !== null) return { endpoint, at: 'input.inletEndpoint' };
  if (required) throw GatewayException.badInput('an area needs its inlet meter', 'input.inletDeviceId');
  return undefined;
}

function members(
  input: { memberDeviceIds?: string[] | null; memberEndpoints?: string[] | null; polygon?: unknown },
  required: boolean,
): MembersSpec | undefined {
  const ids = input.memberDeviceIds ?? null;
  const endpoints = input.memberEndpoints ?? null;
  const hasPolygon = input.polygon !== undefined && input.polygon !== null;
  if (hasPolygon && (ids !== null || endpoints !== null))
    throw GatewayException.badInput('give the members or a polygon, not both', 'input.polygon');
  if (hasPolygon) {
    try {
      return { kind: 'polygon', polygon: parseAreaPolygon(input.polygon) };
    } catch (err) {
      if (err instanceof PolygonError)
        throw GatewayException.badInput(`invalid polygon: ${err.message}`, 'input.polygon');
      throw err;
    }
  }
  if (ids === null && endpoints === null) {
    if (required)
      throw GatewayException.badInput(
        'an area needs its member meters or a polygon',
        'input.memberDeviceIds',
      );
    return undefined;
  }
  const refs: DeviceRef[] = [
    ...(ids ?? []).map((id, i) => ({ id: id.toLowerCase(), at: `input.memberDeviceIds[${i}]` })),
    ...(endpoints ?? []).map((endpoint, i) => ({ endpoint, at: `input.memberEndpoints[${i}]` })),
  ];
  if (refs.length > MAX_AREA_MEMBERS)
    throw GatewayException.badInput(`at most ${MAX_AREA_MEMBERS} member meters`, 'input.memberDeviceIds');
  return { kind: 'list', refs };
}

function threshold(value: number | null | undefined, min: number, at: string): number | null | undefined {
  if (value === undefined || value === null) return value;
  // The table's CHECKs (ratio > 1, points > 0), said as a user error rather than a constraint violation.
  if (!Number.isFinite(value) || value <= min || value > 1000)
    throw GatewayException.badInput(`must be greater than ${min} and at most 1000`, at);
  return value;
}

export function validateNewArea(input: CreateWaterAreaInput): AreaDraft & { name: string; inlet: DeviceRef } {
  return {
    name: name(input.name, 'input.name'),
    inlet: inlet(input, true)!,
    members: members(input, true)!,
    nightFlowRiseRatio: threshold(input.nightFlowRiseRatio, 1, 'input.nightFlowRiseRatio') ?? null,
    lossRateRisePoints: threshold(input.lossRateRisePoints, 0, 'input.lossRateRisePoints') ?? null,
  };
}

export function validateAreaPatch(input: UpdateWaterAreaInput): AreaDraft {
  const draft: {
    -readonly [K in keyof AreaDraft]: AreaDraft[K];
  } = {};
  if (input.name !== undefined && input.name !== null) draft.name = name(input.name, 'input.name');
  const i = inlet(input, false);
  if (i) draft.inlet = i;
  const m = members(input, false);
  if (m) draft.members = m;
  else if (input.polygon === null) draft.dropPolygon = true;
  if (input.nightFlowRiseRatio !== undefined)
    draft.nightFlowRiseRatio = threshold(input.nightFlowRiseRatio, 1, 'input.nightFlowRiseRatio');
  if (input.lossRateRisePoints !== undefined)
    draft.lossRateRisePoints = threshold(input.lossRateRisePoints, 0, 'input.lossRateRisePoints');
  return draft;
}

/** A device id that is not a UUID names no device: the same answer as an unknown one. */
export function refIsWellFormed(ref: DeviceRef): boolean {
  return ref.id === undefined || isUuid(ref.id);
}

function localDate(value: string, at: string): string {
  const m = LOCAL_DATE.exec(value);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!d || d.toISOString().slice(0, 10) !== value)
    throw GatewayException.badInput('a date is YYYY-MM-DD', at);
  return value;
}

/** The [from, to] range of a balance query, both local dates, inclusive. */
export function validateBalanceRange(from: string, to: string): { from: string; to: string } {
  const f = localDate(from, 'from');
  const t = localDate(to, 'to');
  const days = (Date.parse(t) - Date.parse(f)) / 86_400_000;
  if (days < 0) throw GatewayException.badInput('from is after to', 'from');
  if (days >= MAX_BALANCE_DAYS) throw GatewayException.badInput(`at most ${MAX_BALANCE_DAYS} days`, 'to');
  return { from: f, to: t };
}
