/**
 * `npm run migrate` (all pending up) / `npm run migrate -- down [count]` / `npm run migrate -- up [count]`.
 * Connects as the owner role (DATABASE_OWNER_URL, default: the local stack's smartcity_owner).
 */
import { loadConfig } from '@smartcity/platform-config';
import { migrateConfigSchema } from './config/db.config';
import { migrate } from './migrate';

async function main(argv: string[]): Promise<number> {
  const [directionArg = 'up', countArg] = argv;
  if (directionArg !== 'up' && directionArg !== 'down') {
    process.stderr.write('usage: migrate [up|down] [count]\n');
    return 2;
  }
  const count = countArg === undefined ? undefined : Number(countArg);
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
    process.stderr.write(`invalid count "${countArg}"\n`);
    return 2;
  }
  const config = loadConfig(migrateConfigSchema);
  const ran = await migrate({
    databaseUrl: config.DATABASE_OWNER_URL,
    direction: directionArg,
    ...(count === undefined ? {} : { count }),
    log: (m) => process.stdout.write(`${m}\n`),
  });
  process.stdout.write(
    `migrate ${directionArg}: ${ran.length} migration(s) run${ran.length ? `: ${ran.join(', ')}` : ''}\n`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`migrate failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
