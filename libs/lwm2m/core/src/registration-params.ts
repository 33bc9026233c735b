import { Lwm2mCodecError } from './codec-error';
import { parseUnsignedParam, type QueryParam, splitQuery } from './query-params';

/** Registration query parameters (LwM2M Core 1.1.1 §6.2.1 Table 6.2.1-1 / Core 1.0 §5.3.1 Table 4). */
export interface RegistrationParams {
  readonly endpoint: string;
  /** Lifetime in seconds; default 86400 (Core 1.1.1 §6.2.1). */
  readonly lifetime: number;
  /** LwM2M version "1.0", "1.1", "1.2"; default "1.0". */
  readonly lwm2mVersion: string;
  /** Binding mode as sent; default "U". */
  readonly binding: string;
  readonly smsNumber?: string;
  /** Queue mode: the valueless `Q` parameter (1.1+) or a "Q" in the 1.0 binding ("UQ", "SQ", "UQS"). */
  readonly queueMode: boolean;
  /** Parameters this library does not interpret, kept for the caller. */
  readonly extra: ReadonlyMap<string, string | undefined>;
}

/** Update query parameters (Core 1.1.1 §6.2.2): every one optional, no defaults. */
export interface UpdateParams {
  readonly lifetime?: number;
  readonly binding?: string;
  readonly smsNumber?: string;
  readonly queueMode?: boolean;
}

export const DEFAULT_LIFETIME = 86400;
export const DEFAULT_LWM2M_VERSION = '1.0';
export const DEFAULT_BINDING = 'U';
export const SUPPORTED_LWM2M_VERSIONS = ['1.0', '1.1', '1.2'] as const;
/** Core 1.0 §5.3.1 Table 4 (Binding Modes): the only combinations a 1.0 client may send. */
export const LWM2M_1_0_BINDINGS = ['U', 'UQ', 'S', 'SQ', 'US', 'UQS'] as const;

export interface RegistrationParseOptions {
  /** LwM2M 1.1 lets the server infer the endpoint name from the credentials; default true. */
  readonly requireEndpoint?: boolean;
  /** Default for `ep` when it is absent and not required (e.g. the DTLS identity). */
  readonly defaultEndpoint?: string;
}

/** Parses and validates the Register query. Throws Lwm2mCodecError('invalid-parameter') with a diagnostic. */
export function parseRegistrationParams(
  query: readonly string[] | string,
  options: RegistrationParseOptions = {},
): RegistrationParams {
  const params = splitQuery(query);
  let endpoint = options.defaultEndpoint;
  let lifetime = DEFAULT_LIFETIME;
  let lwm2mVersion = DEFAULT_LWM2M_VERSION;
  let binding = DEFAULT_BINDING;
  let smsNumber: string | undefined;
  let queueParam = false;
  const extra = new Map<string, string | undefined>();
  params.forEach((p, index) => {
    switch (p.name) {
      case 'ep':
        if (!p.value || p.value.length > 255) invalid(`"ep" must be 1..255 characters`, index);
        endpoint = p.value;
        break;
      case 'lt':
        lifetime = parseUnsignedParam(p, index);
        if (lifetime === 0) invalid(`"lt" must be at least 1 second`, index);
        break;
      case 'lwm2m':
        if (!p.value || !(SUPPORTED_LWM2M_VERSIONS as readonly string[]).includes(p.value)) {
          invalid(`unsupported "lwm2m" version ${JSON.stringify(p.value ?? null)}`, index);
        }
        lwm2mVersion = p.value;
        break;
      case 'b':
        binding = valueOf(p, index);
        break;
      case 'sms':
        smsNumber = checkSms(p, index);
        break;
      case 'Q':
        if (p.value !== undefined) invalid(`"Q" takes no value`, index);
        queueParam = true;
        break;
      default:
        extra.set(p.name, p.value);
    }
  });
  if (endpoint === undefined && options.requireEndpoint !== false)
    invalid('missing "ep" (endpoint client name)');
  const queueMode = checkBinding(binding, lwm2mVersion, queueParam, params);
  return {
    endpoint: endpoint ?? '',
    lifetime,
    lwm2mVersion,
    binding,
    ...(smsNumber !== undefined ? { smsNumber } : {}),
    queueMode,
    extra,
  };
}

/** Parses the Update query against the version the client registered with. */
export function parseUpdateParams(query: readonly string[] | string, lwm2mVersion: string): UpdateParams {
  const params = splitQuery(query);
  const out: { lifetime?: number; binding?: string; smsNumber?: string; queueMode?: boolean } = {};
  let queueParam = false;
  params.forEach((p, index) => {
    switch (p.name) {
      case 'lt':
        out.lifetime = parseUnsignedParam(p, index);
        if (out.lifetime === 0) invalid(`"lt" must be at least 1 second`, index);
        break;
      case 'b':
        out.binding = valueOf(p, index);
        break;
      case 'sms':
        out.smsNumber = checkSms(p, index);
        break;
      case 'Q':
        if (p.value !== undefined) invalid(`"Q" takes no value`, index);
        queueParam = true;
        break;
      default:
        invalid(`unknown Update parameter "${p.name}"`, index);
    }
  });
  if (out.binding !== undefined || queueParam) {
    out.queueMode = checkBinding(out.binding ?? DEFAULT_BINDING, lwm2mVersion, queueParam, params);
  }
  return out;
}

/** Serializes Register parameters back to Uri-Query options (defaults omitted except ep and lwm2m). */
export function serializeRegistrationParams(p: Omit<RegistrationParams, 'extra'>): string[] {
  const out = [`ep=${p.endpoint}`];
  if (p.lifetime !== DEFAULT_LIFETIME) out.push(`lt=${p.lifetime}`);
  out.push(`lwm2m=${p.lwm2mVersion}`);
  if (p.binding !== DEFAULT_BINDING) out.push(`b=${p.binding}`);
  if (p.smsNumber !== undefined) out.push(`sms=${p.smsNumber}`);
  if (p.queueMode && p.lwm2mVersion !== '1.0') out.push('Q');
  return out;
}

/**
 * LwM2M 1.0 (Core 1.0 §5.3.1 Table 4): b is one of U, UQ, S, SQ, US, UQS; no Q parameter.
 * LwM2M 1.1+ (Core 1.1.1 §6.2.1.1 and §7.3): b is a set of the letters U, T, S, N, each once; queue mode is
 * announced by the valueless Q parameter only. Returns whether queue mode is on.
 */
function checkBinding(binding: string, version: string, queueParam: boolean, params: QueryParam[]): boolean {
  const bIndex = params.findIndex((p) => p.name === 'b');
  const at = bIndex < 0 ? undefined : bIndex;
  if (version === '1.0') {
    if (queueParam)
      invalid('the "Q" parameter needs LwM2M 1.1+; LwM2M 1.0 puts Q in "b" (e.g. b=UQ)', index('Q', params));
    if (!(LWM2M_1_0_BINDINGS as readonly string[]).includes(binding)) {
      invalid(`binding "${binding}" is not one of ${LWM2M_1_0_BINDINGS.join(', ')} (LwM2M 1.0)`, at);
    }
    return binding.includes('Q');
  }
  if (!/^[UTSN]{1,4}$/.test(binding) || new Set(binding).size !== binding.length) {
    invalid(`binding "${binding}" must be distinct letters among U, T, S, N (LwM2M ${version})`, at);
  }
  return queueParam;
}

function index(name: string, params: QueryParam[]): number | undefined {
  const i = params.findIndex((p) => p.name === name);
  return i < 0 ? undefined : i;
}

function valueOf(p: QueryParam, index: number): string {
  if (!p.value) invalid(`"${p.name}" needs a value`, index);
  return p.value;
}

function checkSms(p: QueryParam, index: number): string {
  // MSISDN (E.164: at most 15 digits), optionally with a leading "+".
  if (!p.value || !/^\+?\d{1,15}$/.test(p.value))
    invalid(`"sms" must be an MSISDN, got "${p.value ?? ''}"`, index);
  return p.value;
}

function invalid(message: string, record?: number): never {
  throw new Lwm2mCodecError('invalid-parameter', message, record === undefined ? {} : { record });
}
