import { GatewayException } from '../errors/gateway.exception';
import { type DevicePatch, type NewDevice } from './devices.repository';

/** Device categories are slugs (they double as utility domains, e.g. `water`). */
const CATEGORY = /^[a-z0-9-]{1,32}$/;
// LwM2M endpoint client names: any UTF-8 string (Core 1.1.1 §6.2.1 `ep`); we refuse control characters and
// surrounding whitespace, which only cause lookalike endpoints.
const CONTROL = /[\u0000-\u001f\u007f]/;

interface LocationLike {
  readonly latitude: number;
  readonly longitude: number;
}

interface DeviceFields {
  readonly name?: string | null;
  readonly category?: string | null;
  readonly profile?: string | null;
  readonly location?: LocationLike | null;
  readonly attributes?: Record<string, unknown> | null;
}

function checkCommon(input: DeviceFields, at: string): void {
  if (
    input.name !== undefined &&
    input.name !== null &&
    (input.name.length > 200 || CONTROL.test(input.name))
  ) {
    throw GatewayException.badInput('name must be at most 200 printable characters', `${at}.name`);
  }
  if (input.category !== undefined && input.category !== null && !CATEGORY.test(input.category)) {
    throw GatewayException.badInput('category must match [a-z0-9-]{1,32}', `${at}.category`);
  }
  if (
    input.profile !== undefined &&
    input.profile !== null &&
    (input.profile.length < 1 || input.profile.length > 100)
  ) {
    throw GatewayException.badInput('profile must be 1 to 100 characters', `${at}.profile`);
  }
  const loc = input.location;
  if (loc && (!(Math.abs(loc.latitude) <= 90) || !(Math.abs(loc.longitude) <= 180))) {
    throw GatewayException.badInput('location out of range', `${at}.location`);
  }
  const attrs = input.attributes;
  if (attrs !== undefined && attrs !== null) {
    if (typeof attrs !== 'object' || Array.isArray(attrs)) {
      throw GatewayException.badInput('attributes must be an object', `${at}.attributes`);
    }
    if (JSON.stringify(attrs).length > 16_384) {
      throw GatewayException.badInput('attributes larger than 16 KiB', `${at}.attributes`);
    }
  }
}

export function validateNewDevice(
  input: DeviceFields & { readonly endpoint: string },
  at: string,
): NewDevice {
  const endpoint = input.endpoint;
  if (
    endpoint.length < 1 ||
    endpoint.length > 255 ||
    CONTROL.test(endpoint) ||
    endpoint.trim() !== endpoint
  ) {
    throw GatewayException.badInput('endpoint must be 1 to 255 printable characters', `${at}.endpoint`);
  }
  checkCommon(input, at);
  return {
    endpoint,
    name: input.name ?? null,
    category: input.category ?? null,
    profile: input.profile ?? null,
    latitude: input.location?.latitude ?? null,
    longitude: input.location?.longitude ?? null,
    attributes: input.attributes ?? {},
  };
}

/** Only the fields present in the input change; `location: null` clears the location. */
export function validateDevicePatch(input: DeviceFields): DevicePatch {
  checkCommon(input, 'input');
  const patch: { -readonly [K in keyof DevicePatch]: DevicePatch[K] } = {};
  if (input.name !== undefined) patch.name = input.name;
  if (input.category !== undefined) patch.category = input.category;
  if (input.profile !== undefined) patch.profile = input.profile;
  if (input.attributes !== undefined) patch.attributes = input.attributes ?? {};
  if (input.location !== undefined) {
    patch.latitude = input.location?.latitude ?? null;
    patch.longitude = input.location?.longitude ?? null;
  }
  return patch;
}
