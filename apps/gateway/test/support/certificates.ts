import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A self-signed P-256 certificate made with openssl, as an operator would make a CA (or, `ca: false`, a leaf). */
export function selfSignedPem(cn: string, ca = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'gw-ca-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '30',
        '-subj',
        `/CN=${cn}`,
        '-addext',
        `basicConstraints=critical,CA:${ca ? 'TRUE' : 'FALSE'}`,
      ],
      { stdio: 'pipe' },
    );
    return readFileSync(join(dir, 'cert.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
