import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliCommand } from '../cli-command';

export const command: CliCommand = {
  name: 'version',
  usage: 'version',
  summary: 'print the platform version',
  async run(_args, io) {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as {
      version: string;
    };
    io.stdout.write(`${pkg.version}\n`);
    return 0;
  },
};
