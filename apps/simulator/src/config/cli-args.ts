import { z } from 'zod';
import { INJECTED_EVENTS } from '../devices/device-types';

/** A scheduled event: `leak@30` injects a leak 30 s after start, into the first water meter of the plan. */
export interface EventSchedule {
  readonly event: (typeof INJECTED_EVENTS)[number];
  readonly afterSeconds: number;
  readonly endpoint?: string;
}

const hostPort = z.string().regex(/^[^:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'expected host:port');

export const simulatorArgsSchema = z.object({
  tenant: z.string().regex(/^[a-z0-9-]{2,32}$/, 'tenant slug: 2-32 of a-z, 0-9, -'),
  devices: z.coerce.number().int().min(1).max(100_000).default(200),
  server: hostPort.default('127.0.0.1:5683'),
  seed: z.coerce.number().int().default(42),
  mode: z.enum(['observe', 'send']).default('observe'),
  rate: z.coerce.number().positive().optional(),
  duration: z.coerce.number().positive().optional(),
  'endpoint-prefix': z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/)
    .optional(),
  lifetime: z.coerce.number().int().min(10).default(300),
  'report-interval': z.coerce.number().positive().default(30),
  tick: z.coerce.number().positive().default(5),
  'register-concurrency': z.coerce.number().int().positive().default(50),
  'bind-host': z.string().default('127.0.0.1'),
  format: z.enum(['senml-cbor', 'senml-json']).default('senml-cbor'),
  timestamps: z.enum(['true', 'false']).default('true'),
  events: z.string().default(''),
  'queue-mode': z.coerce.number().nonnegative().default(0),
  'psk-file': z.string().min(1).optional(),
  'bootstrap-uri': z
    .string()
    .regex(/^coaps:\/\/[^/?#]+$/, 'expected coaps://host:port')
    .optional(),
  'bootstrap-psk-file': z.string().min(1).optional(),
  'bootstrap-concurrency': z.coerce.number().int().positive().max(1000).default(10),
  'bootstrap-attempts': z.coerce.number().int().positive().max(100).default(5),
  // District mode (issue 24): the fleet is one district metered area (district/district-fleet.ts).
  district: z.coerce.number().int().min(1).max(10_000).optional(),
  'district-days': z.coerce.number().int().min(1).max(60).default(14),
  'district-leak-days': z.coerce.number().int().min(0).max(60).default(5),
  'district-leak-m3h': z.coerce.number().positive().default(2),
  'district-growing-meter': z.coerce.number().int().min(-1).optional(),
  'district-replay-ms': z.coerce.number().int().min(0).max(60_000).default(200),
});

export type SimulatorArgs = z.infer<typeof simulatorArgsSchema>;

export class CliArgsError extends Error {
  override readonly name = 'CliArgsError';
}

/** Parses `--name value` / `--name=value` pairs, validates them, and the event schedule. */
export function parseCliArgs(argv: readonly string[]): SimulatorArgs & { eventSchedule: EventSchedule[] } {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new CliArgsError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    if (eq > 0) raw[arg.slice(2, eq)] = arg.slice(eq + 1);
    else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--'))
        throw new CliArgsError(`option ${arg} needs a value`);
      raw[arg.slice(2)] = value;
      i++;
    }
  }
  const known = new Set(Object.keys(simulatorArgsSchema.shape));
  for (const key of Object.keys(raw)) if (!known.has(key)) throw new CliArgsError(`unknown option --${key}`);
  const parsed = simulatorArgsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CliArgsError(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const args = parsed.data;
  // Bootstrap mode (LwM2M Core 1.1.1 §6.1.3): the vendor credential is the only one a device starts with.
  if ((args['bootstrap-uri'] === undefined) !== (args['bootstrap-psk-file'] === undefined))
    throw new CliArgsError('--bootstrap-uri and --bootstrap-psk-file go together');
  if (args['bootstrap-uri'] !== undefined && args['psk-file'] !== undefined)
    throw new CliArgsError('--psk-file or --bootstrap-uri: bootstrapped devices get their LwM2M PSK from it');
  const growing = args['district-growing-meter'];
  if (args.district !== undefined && growing !== undefined && growing >= args.district)
    throw new CliArgsError(
      '--district-growing-meter must be one of the district meters (0 to --district - 1) or -1',
    );
  if (args.district !== undefined && args['district-leak-days'] > args['district-days'])
    throw new CliArgsError('--district-leak-days must be within --district-days');
  return { ...args, eventSchedule: parseEvents(args.events) };
}

/** `leak@30,lamp-failure@60:lyon-sl-0003` -> schedule entries. */
export function parseEvents(text: string): EventSchedule[] {
  if (!text.trim()) return [];
  return text.split(',').map((item) => {
    const m = /^([a-z-]+)@(\d+(?:\.\d+)?)(?::(.+))?$/.exec(item.trim());
    if (!m || !(INJECTED_EVENTS as readonly string[]).includes(m[1] as string)) {
      throw new CliArgsError(
        `--events: "${item}" is not <${INJECTED_EVENTS.join('|')}>@<seconds>[:endpoint]`,
      );
    }
    return {
      event: m[1] as EventSchedule['event'],
      afterSeconds: Number(m[2]),
      ...(m[3] ? { endpoint: m[3] } : {}),
    };
  });
}

export function splitHostPort(text: string): { address: string; port: number } {
  const i = text.lastIndexOf(':');
  return { address: text.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(text.slice(i + 1)) };
}

export const USAGE = `usage: node -r ./tools/register.js apps/simulator/src/main.ts --tenant <slug> [options]
  --devices N              devices in the fleet (200)
  --server host:port       LwM2M server (127.0.0.1:5683)
  --seed N                 seed: same seed, same fleet and values (42)
  --mode observe|send      report through server observations, or by Send POST /dp (observe)
  --rate N                 total reports per second across the fleet (default: each device every --report-interval s)
  --duration S             stop (and de-register) after S seconds (default: run until SIGINT/SIGTERM)
  --endpoint-prefix P      endpoint names start with P (<tenant>-)
  --lifetime S             registration lifetime (300)
  --report-interval S      send mode without --rate: seconds between two reports of a device (30)
  --tick S                 seconds between two physics steps (5)
  --events list            e.g. leak@30,lamp-failure@60,full-bin@90[:endpoint]
  --format senml-cbor|senml-json   Send payload format (senml-cbor)
  --timestamps true|false  timestamp Send records (true)
  --queue-mode S           battery devices use LwM2M queue mode, sleeping after S s without exchange (0: off)
  --psk-file F             every device speaks coaps (DTLS 1.2 PSK) with its key from F, lines as the CLI prints
                           them for provision --generate-psk: endpoint=E psk-identity=I psk-key=HEX
                           (use with --server host:5684)
  --bootstrap-uri coaps://host:port   bootstrap mode: each device first runs client-initiated bootstrap there
                           (LwM2M Core 1.1.1 §6.1.3) with its vendor PSK, then registers with the LwM2M server
                           account it was written (--server and --lifetime are then the bootstrap server's choice)
  --bootstrap-psk-file F   the vendor PSKs: endpoint,identity,keyHex per line (the file of CLI bootstrap import)
  --bootstrap-concurrency N   bootstrap sequences in flight at once (10)
  --bootstrap-attempts N   attempts per device; one that fails them all is left out of the fleet (5)
  --district N             district mode (issue 24): the fleet is a district metered area, an inlet meter and N
                           customer meters (<prefix>inlet, <prefix>customer-<i>; prefix <tenant>-dma-), each
                           sending its cumulated volume (3424/0/1) by Send with the reading times; the district's
                           own clock replays --district-days of history (one simulated day per --district-replay-ms
                           of real time), then follows the wall clock. --mode, --rate, --events do not apply.
  --district-days D        days of history replayed (14)
  --district-leak-days D   a network leak (water lost between inlet and customers) started D days ago (5; 0: none)
  --district-leak-m3h X    its flow, m3/h (2)
  --district-growing-meter I   customer meter whose night flow grows 0.01 m3/h a day, from 2 days into the
                           history (7, or the last meter of a smaller district; -1: none)
  --district-replay-ms MS  real ms per simulated day while replaying (200)
  --print-endpoints        print the fleet's endpoint names, one per line, and exit (to provision them first)`;
