import { parseArgs } from 'node:util';
import { ContentFormat } from '@smartcity/lwm2m-codec';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { CliUsageError } from '../cli-command';

/** Options shared by decode and encode: --format, --path, --object-version. */
export interface CodecCliOptions {
  readonly contentFormat: number;
  readonly path: Lwm2mPath;
  readonly objectVersions: Map<number, string>;
  readonly values: Record<string, string | undefined>;
}

const FORMAT_NAMES: Readonly<Record<string, number>> = {
  text: ContentFormat.TEXT,
  opaque: ContentFormat.OPAQUE,
  cbor: ContentFormat.CBOR,
  tlv: ContentFormat.TLV,
  json: ContentFormat.JSON,
  'senml-json': ContentFormat.SENML_JSON,
  'senml-cbor': ContentFormat.SENML_CBOR,
  'lwm2m-cbor': ContentFormat.LWM2M_CBOR,
};

export function parseCodecOptions(args: string[], extra: readonly string[], usage: string): CodecCliOptions {
  let values: Record<string, string | undefined>;
  try {
    const options = Object.fromEntries(
      ['format', 'path', 'object-version', ...extra].map((o) => [o, { type: 'string' as const }]),
    );
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | undefined
    >;
  } catch (err) {
    throw new CliUsageError(`${(err as Error).message.split('\n')[0]}; ${usage}`);
  }
  const format = values['format'];
  if (format === undefined) throw new CliUsageError(`--format is required; ${usage}`);
  const named = FORMAT_NAMES[format.toLowerCase()];
  const contentFormat = named ?? (/^\d{1,5}$/.test(format) ? Number(format) : NaN);
  if (Number.isNaN(contentFormat)) {
    throw new CliUsageError(
      `--format: "${format}" is not a content-format number nor one of ${Object.keys(FORMAT_NAMES).join(', ')}`,
    );
  }
  const pathText = values['path'];
  if (pathText === undefined)
    throw new CliUsageError(`--path is required (use / for Send and composite bodies); ${usage}`);
  // Accept the link-format spelling "</3/0>" as well as "/3/0".
  const path = Lwm2mPath.tryParse(pathText.replace(/^<(.*)>$/, '$1'));
  if (!path) throw new CliUsageError(`--path: "${pathText}" is not an LwM2M path like /3/0 or /3/0/6/1`);
  return { contentFormat, path, objectVersions: parseObjectVersions(values['object-version'], path), values };
}

/** "--object-version 1.1" applies to the object of --path; "3416=2.0,3418=2.1" names objects explicitly. */
function parseObjectVersions(text: string | undefined, path: Lwm2mPath): Map<number, string> {
  const out = new Map<number, string>();
  if (text === undefined) return out;
  if (/^\d{1,3}\.\d{1,3}$/.test(text)) {
    if (path.objectId === undefined)
      throw new CliUsageError('--object-version X.Y needs an object in --path; use id=X.Y,...');
    out.set(path.objectId, text);
    return out;
  }
  for (const item of text.split(',')) {
    const m = /^(\d{1,5})=(\d{1,3}\.\d{1,3})$/.exec(item.trim());
    if (!m || Number(m[1]) > 65534)
      throw new CliUsageError(`--object-version: "${item}" is neither X.Y nor <objectId>=X.Y`);
    out.set(Number(m[1]), m[2] as string);
  }
  return out;
}
