import { loadConfig } from '@smartcity/platform-config';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CliUsageError, type CliCommand } from '../cli-command';

/** Example queries that show a demo city's live data. */
export const EXAMPLES: Readonly<Record<string, string>> = {
  streetlight: `{ devices(first: 1, filter: { category: "lighting", status: ONLINE }) { edges { node { endpoint online lastSeenAt
      state { objectId objectName objectVersion resources { name valueNum valueBool valueText unit time } } } } } }`,
  water: `{ kpis { since water { metersTotal volumeTodayM3 activeLeaks } } }`,
  alarms: `{ alarms(first: 20, filter: { status: ACTIVE }) { edges { node { type severity status raisedAt
      sourcePath device { endpoint category } } } } }`,
  me: `{ me { username roles tenant memberships cityRoles { tenant roles } utilityDomains } }`,
};

export const envSchema = z.object({
  GATEWAY_URL: z.string().url().default('http://127.0.0.1:4000/graphql'),
  KEYCLOAK_URL: z.string().url().default('http://127.0.0.1:8080'),
  KEYCLOAK_REALM: z.string().default('smartcity'),
  KEYCLOAK_CLIENT_ID: z.string().default('smartcity-cli'),
});

const USAGE = `graphql [--user lyon-operator] [--password smartcity-demo] [--tenant <slug>] (--example ${Object.keys(
  EXAMPLES,
).join('|')} | '<query>')`;

/**
 * Runs a GraphQL query as a Keycloak user (password grant of the public CLI client, development realm):
 * `npm run -s cli -- graphql --user lyon-operator --example streetlight`.
 */
export const command: CliCommand = {
  name: 'graphql',
  usage: USAGE,
  summary:
    'run a GraphQL query as a demo user (token from Keycloak), e.g. --example streetlight|water|alarms',
  async run(args, io) {
    const { values, positionals } = parse(args);
    const query = values.example ? EXAMPLES[values.example] : positionals[0];
    if (!query) throw new CliUsageError(`usage: ${USAGE}`);
    const env = loadConfig(envSchema);
    const token = await passwordGrant(
      env,
      values.user ?? 'lyon-operator',
      values.password ?? 'smartcity-demo',
    );
    const response = await fetch(env.GATEWAY_URL, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        ...(values.tenant ? { 'x-tenant': values.tenant } : {}),
      },
      body: JSON.stringify({ query }),
    }).catch((err: Error) => {
      throw new CliUsageError(`gateway unreachable at ${env.GATEWAY_URL}: ${err.message}`);
    });
    const body = (await response.json()) as { errors?: unknown[] };
    io.stdout.write(JSON.stringify(body, null, 2) + '\n');
    return body.errors?.length ? 1 : 0;
  },
};

export async function passwordGrant(
  env: z.infer<typeof envSchema>,
  username: string,
  password: string,
): Promise<string> {
  const url = `${env.KEYCLOAK_URL}/realms/${env.KEYCLOAK_REALM}/protocol/openid-connect/token`;
  const response = await fetch(url, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: env.KEYCLOAK_CLIENT_ID,
      username,
      password,
      // Every organization of the user with its groups (city roles): a member of several cities gets none of
      // them with the plain `organization` scope, and then chooses one with --tenant.
      scope: 'openid organization:*',
    }),
  }).catch((err: Error) => {
    throw new CliUsageError(`Keycloak unreachable at ${env.KEYCLOAK_URL}: ${err.message}`);
  });
  const body = (await response.json()) as { access_token?: string; error_description?: string };
  if (!response.ok || !body.access_token) {
    throw new CliUsageError(`Keycloak refused ${username}: ${body.error_description ?? response.status}`);
  }
  return body.access_token;
}

function parse(args: string[]) {
  try {
    const parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        user: { type: 'string' },
        password: { type: 'string' },
        tenant: { type: 'string' },
        example: { type: 'string' },
      },
    });
    if (parsed.values.example && !EXAMPLES[parsed.values.example]) {
      throw new Error(`unknown example "${parsed.values.example}"`);
    }
    return parsed;
  } catch (err) {
    throw new CliUsageError(`${(err as Error).message}; usage: ${USAGE}`);
  }
}
