import { CONTENT_FORMAT_NAMES, Lwm2mCodecError, encode, toHex } from '@smartcity/lwm2m-codec';
import { type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { type Readable } from 'node:stream';
import { CliUsageError, type CliCommand } from '../cli-command';
import { parseCodecOptions } from '../lwm2m/cli-options';
import { cliModelProvider } from '../lwm2m/model-provider';
import { recordsFromJson } from '../lwm2m/record-json';

const USAGE = 'encode --format <number|name> --path </3/0> [--object-version 1.1] < records.json';
/** Stdin larger than this is refused: the CLI is for payloads, not bulk files. */
const MAX_INPUT_BYTES = 16 * 1024 * 1024;

export const command: CliCommand = {
  name: 'encode',
  usage: USAGE,
  summary: 'encode JSON records (as printed by decode) read on stdin into a payload printed as hex',
  async run(args, io) {
    const { contentFormat, path, objectVersions } = parseCodecOptions(args, [], `usage: ${USAGE}`);
    const text = await readAll(io.stdin);
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new CliUsageError(`stdin is not JSON: ${(err as Error).message}`);
    }
    let records: Lwm2mRecord[];
    try {
      records = recordsFromJson(doc);
    } catch (err) {
      throw new CliUsageError((err as Error).message);
    }
    let bytes: Uint8Array;
    try {
      bytes = encode(records, contentFormat, { path, models: cliModelProvider(objectVersions) });
    } catch (err) {
      if (!(err instanceof Lwm2mCodecError)) throw err;
      const name = CONTENT_FORMAT_NAMES[contentFormat] ?? `format ${contentFormat}`;
      throw new CliUsageError(`cannot encode ${name} at ${path}: ${err.message} [${err.code}]`);
    }
    io.stdout.write(toHex(bytes) + '\n');
    return 0;
  },
};

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_INPUT_BYTES) throw new CliUsageError(`stdin larger than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
