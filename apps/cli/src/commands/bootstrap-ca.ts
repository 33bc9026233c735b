import { parseArgs } from 'node:util';
import {
  BootstrapAuthorityRepository,
  CredentialInputError,
  parseSha256Hex,
  withPlatformAdmin,
} from '@smartcity/platform-db';
import { type Pool } from 'pg';
import { CliUsageError, type CliIo } from '../cli-command';
import { readCaPem } from './ca-file';

export const BOOTSTRAP_CA_USAGE =
  'bootstrap ca add <tenant> <vendor-ca.pem> [--create-devices] | bootstrap ca list <tenant>' +
  ' | bootstrap ca remove <tenant> <sha256>';

/**
 * `bootstrap ca ...`: the vendor CAs whose device certificates bootstrap into the tenant (X.509 bootstrap
 * credentials, LwM2M Transport 1.1.1 §5.2.9.3). `--create-devices`: a certificate naming an endpoint no device has
 * yet creates the device in the tenant (within its quota). The bootstrap server reloads them within
 * VENDOR_CA_REFRESH_MS.
 */
export async function bootstrapCertificateAuthorities(
  verb: string | undefined,
  tenant: string,
  args: string[],
  pool: Pool,
  io: CliIo,
): Promise<number> {
  const repository = new BootstrapAuthorityRepository();
  const { values, positionals } = parseCaArgs(args);
  if (verb === 'list') {
    for (const ca of await withPlatformAdmin(pool, (tx) => repository.list(tx, tenant))) {
      io.stdout.write(
        `sha256=${ca.sha256} subject=${JSON.stringify(ca.subject)} create-devices=${ca.createDevices}\n`,
      );
    }
    return 0;
  }
  const arg = positionals[0];
  if (!arg) throw new CliUsageError(`usage: ${BOOTSTRAP_CA_USAGE}`);
  if (verb === 'add') {
    const pem = await readCaPem(arg);
    const ca = await withPlatformAdmin(pool, (tx) =>
      repository.add(tx, tenant, pem, { createDevices: values['create-devices'] === true }),
    ).catch((err: unknown) => {
      throw err instanceof CredentialInputError ? new CliUsageError(`${arg}: ${err.message}`) : err;
    });
    io.stdout.write(
      `sha256=${ca.sha256} subject=${JSON.stringify(ca.subject)} create-devices=${ca.createDevices}\n`,
    );
    return 0;
  }
  if (verb !== 'remove') throw new CliUsageError(`usage: ${BOOTSTRAP_CA_USAGE}`);
  let digest: Buffer;
  try {
    digest = parseSha256Hex(arg);
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  if (!(await withPlatformAdmin(pool, (tx) => repository.remove(tx, tenant, digest))))
    throw new CliUsageError(`${tenant} has no vendor CA with SHA-256 ${arg}`);
  io.stdout.write(`removed vendor CA ${digest.toString('hex')} from ${tenant}\n`);
  return 0;
}

function parseCaArgs(args: string[]) {
  try {
    return parseArgs({ args, allowPositionals: true, options: { 'create-devices': { type: 'boolean' } } });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
}
