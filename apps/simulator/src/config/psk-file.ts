import { readFileSync } from 'node:fs';

export interface DevicePsk {
  readonly identity: string;
  readonly key: Buffer;
}

export class PskFileError extends Error {
  override readonly name = 'PskFileError';
}

const LINE = /^endpoint=(\S+) psk-identity=(\S+) psk-key=([0-9a-fA-F]+)$/;

/**
 * Device PSKs as the CLI prints them for `provision <tenant> <endpoint>... --generate-psk`, one line per endpoint:
 * `endpoint=<endpoint> psk-identity=<identity> psk-key=<hex>`. Blank lines are skipped; any other line is an error
 * naming its number (never its content: it holds a key).
 */
export function parsePskLines(text: string): Map<string, DevicePsk> {
  const keys = new Map<string, DevicePsk>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const m = LINE.exec(line);
    if (!m || m[3]!.length % 2 !== 0)
      throw new PskFileError(`PSK file line ${i + 1} is not "endpoint=… psk-identity=… psk-key=<hex>"`);
    if (keys.has(m[1]!)) throw new PskFileError(`PSK file line ${i + 1}: endpoint given twice`);
    keys.set(m[1]!, { identity: m[2]!, key: Buffer.from(m[3]!, 'hex') });
  });
  return keys;
}

export function readPskFile(path: string): Map<string, DevicePsk> {
  return parsePskLines(readFileSync(path, 'utf8'));
}
