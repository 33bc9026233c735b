import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_STACK, loadConfig, secret } from '@smartcity/platform-config';
import { z } from 'zod';
import { CliUsageError, type CliCommand } from '../cli-command';
import { KeycloakAdmin } from '../keycloak/keycloak-admin';
import { type RealmFile } from '../keycloak/realm-file';
import { syncRealm } from '../keycloak/realm-sync';

const DEFAULT_FILE = join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'deploy',
  'local',
  'keycloak',
  'realm-smartcity.json',
);
const USAGE = 'realm sync [--file <realm.json>]';

const envSchema = z.object({
  KEYCLOAK_URL: z.url().default(LOCAL_STACK.keycloakUrl),
  KEYCLOAK_REALM: z.string().min(1).default(LOCAL_STACK.keycloakRealm),
  KEYCLOAK_ADMIN_USERNAME: z.string().min(1).default('admin'),
  KEYCLOAK_ADMIN_PASSWORD: secret(z.string().min(1).default('admin')),
});

/**
 * `realm sync`: applies the development realm file to a realm that already exists (the stack's after-up hook
 * runs it; Keycloak's own import only creates missing realms).
 */
export const command: CliCommand = {
  name: 'realm',
  usage: USAGE,
  summary: 'apply deploy/local/keycloak/realm-smartcity.json to the running Keycloak (roles, groups, users)',
  async run(args, io) {
    const [action, flag, value] = args;
    if (action !== 'sync' || (flag !== undefined && (flag !== '--file' || !value))) {
      throw new CliUsageError(`usage: ${USAGE}`);
    }
    const file = JSON.parse(readFileSync(value ?? DEFAULT_FILE, 'utf8')) as RealmFile;
    const env = loadConfig(envSchema);
    const kc = new KeycloakAdmin({
      url: env.KEYCLOAK_URL,
      realm: env.KEYCLOAK_REALM,
      adminUser: env.KEYCLOAK_ADMIN_USERNAME,
      adminPassword: env.KEYCLOAK_ADMIN_PASSWORD,
    });
    const changes = await syncRealm(kc, file);
    for (const c of changes) io.stdout.write(`${c}\n`);
    io.stdout.write(
      `realm ${env.KEYCLOAK_REALM}: ${changes.length ? `${changes.length} change(s)` : 'up to date'}\n`,
    );
    return 0;
  },
};
