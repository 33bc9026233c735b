import { parseArgs } from 'node:util';
import { ContentFormat, decode, fromHex, Lwm2mCodecError } from '@smartcity/lwm2m-codec';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { isObjectVersion, loadBundledRegistry } from '@smartcity/ucifi-model';
import { deviceViews, MeasurementNormalizer } from '@smartcity/ucifi-normalize';
import { CliUsageError, type CliCommand } from '../cli-command';

const USAGE =
  'normalize --format <n|name> --hex <payload> [--path /3424/0] [--versions 3416=2.0,3418=2.1] ' +
  '[--tenant t] [--device d] [--endpoint ep] [--received-at <ISO 8601|ms>] [--views]';

/** Names accepted for --format besides the CoAP Content-Format number. */
const FORMAT_NAMES: Readonly<Record<string, number>> = {
  text: ContentFormat.TEXT,
  opaque: ContentFormat.OPAQUE,
  cbor: ContentFormat.CBOR,
  'senml-json': ContentFormat.SENML_JSON,
  'senml-cbor': ContentFormat.SENML_CBOR,
  tlv: ContentFormat.TLV,
  json: ContentFormat.JSON,
  'lwm2m-json': ContentFormat.JSON,
  'lwm2m-cbor': ContentFormat.LWM2M_CBOR,
};

function parseFormat(text: string | undefined): number {
  if (text === undefined) throw new CliUsageError(`--format is required; usage: ${USAGE}`);
  const named = FORMAT_NAMES[text.toLowerCase()];
  if (named !== undefined) return named;
  if (/^\d{1,5}$/.test(text) && Number(text) <= 65535) return Number(text);
  throw new CliUsageError(
    `--format: "${text}" is neither a content-format number nor one of ${Object.keys(FORMAT_NAMES).join(', ')}`,
  );
}

/** "3416=2.0,3418=2.1" -> Map; the registration link attributes `</3416>;ver=2.0` in short form. */
export function parseVersions(text: string | undefined): Map<number, string> {
  const out = new Map<number, string>();
  if (text === undefined || text.trim() === '') return out;
  for (const item of text.split(',')) {
    const match = /^\s*(\d{1,5})\s*=\s*(\S+)\s*$/.exec(item);
    if (!match || Number(match[1]) > 65534 || !isObjectVersion(match[2] as string)) {
      throw new CliUsageError(`--versions: "${item}" is not <objectId>=<major.minor>`);
    }
    out.set(Number(match[1]), match[2] as string);
  }
  return out;
}

function parseReceivedAt(text: string | undefined): number {
  if (text === undefined) return Date.now();
  if (/^\d{1,15}$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new CliUsageError(`--received-at: "${text}" is neither ms since the epoch nor ISO 8601`);
  return ms;
}

export const command: CliCommand = {
  name: 'normalize',
  usage: USAGE,
  summary: 'decode a payload and print the normalized measurement records (or --views) as JSON',
  async run(args, io) {
    let values: Record<string, string | boolean | undefined>;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          format: { type: 'string' },
          path: { type: 'string', default: '/' },
          hex: { type: 'string' },
          versions: { type: 'string' },
          tenant: { type: 'string', default: 'demo' },
          device: { type: 'string', default: 'cli-device' },
          endpoint: { type: 'string' },
          'received-at': { type: 'string' },
          views: { type: 'boolean', default: false },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (err) {
      throw new CliUsageError(`${(err as Error).message}; usage: ${USAGE}`);
    }
    const contentFormat = parseFormat(values['format'] as string | undefined);
    const hex = values['hex'] as string | undefined;
    if (hex === undefined) throw new CliUsageError(`--hex is required; usage: ${USAGE}`);
    const payload = fromHex(hex);
    if (!payload) throw new CliUsageError('--hex: not an even number of hexadecimal digits');
    const path = Lwm2mPath.tryParse(values['path'] as string);
    if (!path) throw new CliUsageError(`--path: invalid LwM2M path "${String(values['path'])}"`);
    const objectVersions = parseVersions(values['versions'] as string | undefined);
    const receivedAt = parseReceivedAt(values['received-at'] as string | undefined);
    const deviceId = values['device'] as string;

    const registry = loadBundledRegistry();
    const provider = registry.providerFor(objectVersions);
    let records;
    try {
      records = decode(payload, contentFormat, { path, models: provider, now: () => receivedAt / 1000 });
    } catch (err) {
      if (err instanceof Lwm2mCodecError)
        throw new CliUsageError(`cannot decode the payload: ${err.message}`);
      throw err;
    }
    const measurements = new MeasurementNormalizer(registry).normalize(records, {
      tenant: values['tenant'] as string,
      deviceId,
      endpoint: (values['endpoint'] as string | undefined) ?? deviceId,
      objectVersions,
      receivedAt,
    });
    // Objects resolved while decoding (not only the announced ones) may have fallen back to another version.
    for (const warning of provider.warnings) io.stderr.write(`warning: ${warning.message}\n`);
    const output = values['views'] ? deviceViews(measurements) : measurements;
    io.stdout.write(JSON.stringify(output, null, 2) + '\n');
    return 0;
  },
};
