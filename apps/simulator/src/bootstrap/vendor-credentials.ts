import { readFileSync } from 'node:fs';
import { type DevicePsk } from '../config/psk-file';

export class VendorCredentialsError extends Error {
  override readonly name = 'VendorCredentialsError';
}

/** Explicit limits: a vendor batch (the CLI's `bootstrap import` takes the same file). */
const MAX_LINES = 100_000;
const HEX_KEY = /^(?:[0-9a-fA-F]{2}){16,64}$/;

/**
 * The vendor's bootstrap credentials (LwM2M Core 1.1.1 §6.1: what the factory flashed), in the CSV the CLI imports
 * with `bootstrap import <tenant> <file>`: `endpoint,identity,keyHex` per line; a header line `endpoint,...`, blank
 * lines and `#` comments are skipped. Errors name the line, never its content (it holds a key).
 */
export function parseVendorCredentials(text: string): Map<string, DevicePsk> {
  const out = new Map<string, DevicePsk>();
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_LINES + 1)
    throw new VendorCredentialsError(`a batch has at most ${MAX_LINES} lines`);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(',').map((f) => f.trim());
    if (out.size === 0 && fields[0]?.toLowerCase() === 'endpoint') return;
    const [endpoint, identity, keyHex] = fields;
    if (fields.length !== 3 || !endpoint || !identity || !keyHex || !HEX_KEY.test(keyHex))
      throw new VendorCredentialsError(`bootstrap PSK file line ${i + 1} is not "endpoint,identity,keyHex"`);
    if (out.has(endpoint))
      throw new VendorCredentialsError(`bootstrap PSK file line ${i + 1}: endpoint given twice`);
    out.set(endpoint, { identity, key: Buffer.from(keyHex, 'hex') });
  });
  return out;
}

export function readVendorCredentials(path: string): Map<string, DevicePsk> {
  return parseVendorCredentials(readFileSync(path, 'utf8'));
}
