import { readFile } from 'node:fs/promises';
import { CliUsageError } from '../cli-command';

/** One CA certificate in PEM from a file an operator names (tenant CAs, vendor CAs of bootstrap). */
export async function readCaPem(file: string): Promise<string> {
  const pem = await readFile(file, 'utf8').catch(() => {
    throw new CliUsageError(`cannot read ${file}`);
  });
  if ((pem.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length !== 1)
    throw new CliUsageError(`${file}: give one CA certificate in PEM (BEGIN CERTIFICATE)`);
  return pem;
}
