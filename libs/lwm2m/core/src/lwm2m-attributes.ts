/**
 * Value grammar of the LwM2M attributes carried in link-format (Core 1.1.1 §5.1.2 Table 5.1.2-1, §6.2.1 and
 * Transport 1.1.1 §6.4): ver, rt, ct, dim, ssid, uri and the notification attributes pmin, pmax, gt, lt, st,
 * epmin, epmax. Returns a problem description, or undefined when the value is acceptable.
 */
export const LWM2M_LINK_ATTRIBUTES = [
  'ver',
  'rt',
  'ct',
  'dim',
  'ssid',
  'uri',
  'pmin',
  'pmax',
  'gt',
  'lt',
  'st',
  'epmin',
  'epmax',
] as const;

export type Lwm2mLinkAttributeName = (typeof LWM2M_LINK_ATTRIBUTES)[number];

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const UNSIGNED = /^\d{1,10}$/;

export function isLwm2mLinkAttribute(name: string): name is Lwm2mLinkAttributeName {
  return (LWM2M_LINK_ATTRIBUTES as readonly string[]).includes(name);
}

export function checkLwm2mAttribute(name: string, value: string | undefined): string | undefined {
  if (!isLwm2mLinkAttribute(name)) return undefined;
  if (value === undefined) return `attribute "${name}" needs a value`;
  switch (name) {
    case 'ver':
      // Core 1.1.1 §7.2.2: Object Version "X.Y".
      return /^\d{1,3}\.\d{1,3}$/.test(value) ? undefined : `"ver" must be "major.minor", got "${value}"`;
    case 'rt':
    case 'uri':
      return undefined;
    case 'ct':
      // Core 1.1.1 §6.2.1: ct lists the supported content formats, space separated when quoted.
      return value.split(' ').every((v) => UNSIGNED.test(v) && Number(v) <= 65535)
        ? undefined
        : `"ct" must be content-format numbers, got "${value}"`;
    case 'dim':
      return UNSIGNED.test(value) && Number(value) <= 255
        ? undefined
        : `"dim" must be 0..255, got "${value}"`;
    case 'ssid':
      return UNSIGNED.test(value) && Number(value) >= 1 && Number(value) <= 65534
        ? undefined
        : `"ssid" must be 1..65534, got "${value}"`;
    case 'pmin':
    case 'pmax':
    case 'epmin':
    case 'epmax':
      return UNSIGNED.test(value) && Number(value) <= 0xffffffff
        ? undefined
        : `"${name}" must be a number of seconds, got "${value}"`;
    case 'gt':
    case 'lt':
      return DECIMAL.test(value) ? undefined : `"${name}" must be a decimal number, got "${value}"`;
    case 'st':
      return DECIMAL.test(value) && Number(value) >= 0
        ? undefined
        : `"st" must be a non-negative number, got "${value}"`;
  }
}
