import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A self-signed P-256 certificate made with openssl in `dir`, as an operator makes a CA (or, `ca: false`, a leaf):
 * `<dir>/<name>.pem` and its key `<dir>/<name>.key`. Returns the certificate's path.
 */
export function selfSignedPemFile(dir: string, name: string, subject: string, ca = true): string {
  const file = join(dir, `${name}.pem`);
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
      join(dir, `${name}.key`),
      '-out',
      file,
      '-days',
      '30',
      '-subj',
      `/CN=${subject}`,
      '-addext',
      `basicConstraints=critical,CA:${ca ? 'TRUE' : 'FALSE'}`,
    ],
    { stdio: 'pipe' },
  );
  return file;
}
