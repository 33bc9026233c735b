import { CONTENT_FORMAT_NAMES, Lwm2mCodecError, decode, fromHex } from '@smartcity/lwm2m-codec';
import { isoToTime } from '@smartcity/lwm2m-core';
import { CliUsageError, type CliCommand } from '../cli-command';
import { parseCodecOptions } from '../lwm2m/cli-options';
import { cliModelProvider } from '../lwm2m/model-provider';
import { recordsToJsonText } from '../lwm2m/record-json';

const USAGE =
  'decode --format <number|name> --path </3/0> --hex <payload> [--object-version 1.1 | 3416=2.0,...] [--now <ISO-8601>]';

export const command: CliCommand = {
  name: 'decode',
  usage: USAGE,
  summary: 'decode an LwM2M payload (hex) into JSON records sorted by path',
  async run(args, io) {
    const { contentFormat, path, objectVersions, values } = parseCodecOptions(
      args,
      ['hex', 'now'],
      `usage: ${USAGE}`,
    );
    const hex = values['hex'];
    if (hex === undefined) throw new CliUsageError(`--hex is required; usage: ${USAGE}`);
    const payload = fromHex(hex);
    if (!payload) throw new CliUsageError('--hex: expected pairs of hexadecimal digits');
    let now: number | undefined;
    if (values['now'] !== undefined) {
      now = isoToTime(values['now']);
      if (now === undefined) throw new CliUsageError(`--now: "${values['now']}" is not ISO-8601 with a zone`);
    }
    const models = cliModelProvider(objectVersions);
    let records;
    try {
      records = decode(payload, contentFormat, {
        path,
        models,
        ...(now !== undefined ? { now: () => now } : {}),
      });
    } catch (err) {
      if (!(err instanceof Lwm2mCodecError)) throw err;
      const name = CONTENT_FORMAT_NAMES[contentFormat] ?? `format ${contentFormat}`;
      throw new CliUsageError(`cannot decode ${name} at ${path}: ${err.message} [${err.code}]`);
    }
    for (const warning of models.warnings) io.stderr.write(`warning: ${warning.message}\n`);
    io.stdout.write(recordsToJsonText(records) + '\n');
    return 0;
  },
};
