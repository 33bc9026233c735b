/**
 * Developer/operator CLI: `npm run -s cli -- <command> [options]`.
 * Each command lives in `commands/<name>.command.ts` and exports `command: CliCommand`.
 * Exit codes: 0 success, 2 bad input (one line on stderr, never a stack trace), 1 unexpected failure.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CliUsageError, type CliCommand, helpOf } from './cli-command';

function loadCommands(): Map<string, CliCommand> {
  const commands = new Map<string, CliCommand>();
  const dir = join(__dirname, 'commands');
  for (const file of readdirSync(dir)) {
    const match = /^(.*)\.command\.[tj]s$/.exec(file);
    if (!match) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(dir, file)) as { command: CliCommand };
    commands.set(mod.command.name, mod.command);
  }
  return commands;
}

function usage(commands: Map<string, CliCommand>): string {
  const lines = ['usage: npm run -s cli -- <command> [options]', '', 'commands:'];
  for (const c of [...commands.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    lines.push(`  ${c.name.padEnd(12)} ${c.summary}`);
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const commands = loadCommands();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    process.stdout.write(usage(commands) + '\n');
    return name ? 0 : 2;
  }
  const command = commands.get(name);
  if (!command) {
    process.stderr.write(`unknown command "${name}"; run with --help for the list\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(helpOf(command) + '\n');
    return 0;
  }
  try {
    return await command.run(rest, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  } catch (err) {
    if (err instanceof CliUsageError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`${name}: unexpected error: ${(err as Error).message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`unexpected error: ${String(err)}\n`);
    process.exit(1);
  },
);
