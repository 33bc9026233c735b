import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM certificate with its P-256 key, and the files holding them (for peers that take paths). */
export interface Issued {
  readonly name: string;
  readonly certificate: string;
  readonly privateKey: KeyObject;
  readonly certificateFile: string;
  readonly keyFile: string;
}

export interface IssueOptions {
  /** Subject CN; LwM2M Transport 1.1.1 §5.2.9.3 binds the endpoint name to it (or to a SAN). */
  readonly commonName: string;
  /** subjectAltName entries as openssl writes them: `IP:127.0.0.1`, `DNS:name`. */
  readonly subjectAltNames?: readonly string[];
  /** RFC 5280 §4.2.1.12: clientAuth for devices, serverAuth for the ingest. */
  readonly purpose: 'client' | 'server';
  /** The key to certify (the ingest's own key); a fresh P-256 key otherwise. */
  readonly key?: KeyObject;
}

/**
 * Test certificate authorities and certificates, P-256 (RFC 7251, the curve of LwM2M's
 * TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8), made with node:crypto (keys) and the openssl CLI (certificates: node:crypto
 * cannot sign X.509) in a temporary directory removed by `remove()`.
 */
export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'coaps-pki-'));
  private serial = 1;

  /** A self-signed CA (basicConstraints CA:TRUE, keyCertSign) valid for two days. */
  authority(name: string): Issued {
    const key = this.keyFile(name, freshKey());
    const certificateFile = join(this.dir, `${name}.crt`);
    this.openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      key.keyFile,
      '-out',
      certificateFile,
      '-days',
      '2',
      '-subj',
      `/O=smartcity interop/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    return { name, ...key, certificateFile, certificate: readFileSync(certificateFile, 'utf8') };
  }

  /** A leaf certificate signed by `ca`. */
  issue(ca: Issued, name: string, options: IssueOptions): Issued {
    const key = this.keyFile(name, options.key ?? freshKey());
    const csr = join(this.dir, `${name}.csr`);
    const ext = join(this.dir, `${name}.ext`);
    const certificateFile = join(this.dir, `${name}.crt`);
    this.openssl('req', '-new', '-key', key.keyFile, '-out', csr, '-subj', `/CN=${options.commonName}`);
    writeFileSync(
      ext,
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
        `extendedKeyUsage=${options.purpose === 'client' ? 'clientAuth' : 'serverAuth'}`,
        ...(options.subjectAltNames?.length ? [`subjectAltName=${options.subjectAltNames.join(',')}`] : []),
        '',
      ].join('\n'),
    );
    this.openssl(
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.certificateFile,
      '-CAkey',
      ca.keyFile,
      '-set_serial',
      String(this.serial++),
      '-days',
      '2',
      '-sha256',
      '-extfile',
      ext,
      '-out',
      certificateFile,
    );
    return { name, ...key, certificateFile, certificate: readFileSync(certificateFile, 'utf8') };
  }

  /** Writes a PEM file (a key for COAPS_PRIVATE_KEY_FILE, a chain for COAPS_CERTIFICATE_FILE). */
  write(name: string, pem: string): string {
    const file = join(this.dir, name);
    writeFileSync(file, pem, { mode: 0o600 });
    return file;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private keyFile(name: string, privateKey: KeyObject): { privateKey: KeyObject; keyFile: string } {
    const keyFile = this.write(`${name}.key`, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    return { privateKey, keyFile };
  }

  private openssl(...args: string[]): void {
    try {
      execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
      throw new Error(`openssl ${args[0]} failed: ${stderr || (err as Error).message}`);
    }
  }
}

/** A fresh ECDSA P-256 private key. */
export function freshKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}
