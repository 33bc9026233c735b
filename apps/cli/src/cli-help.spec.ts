import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type CliCommand, helpOf } from './cli-command';

const commandsDir = join(__dirname, 'commands');
const commands: CliCommand[] = readdirSync(commandsDir)
  .filter((file) => /\.command\.ts$/.test(file))
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  .map((file) => (require(join(commandsDir, file)) as { command: CliCommand }).command);

describe('CLI --help (issue 20: every subcommand answers --help with its usage)', () => {
  it.each(commands.map((c) => [c.name, c] as const))(
    '%s has a usage whose every form starts with its name',
    (name, c) => {
      expect(c.usage).not.toMatch(/^usage:/);
      const forms = helpOf(c).split('\n').slice(3);
      expect(forms.length).toBeGreaterThan(0);
      for (const form of forms) expect(form).toMatch(new RegExp(`^  npm run -s cli -- ${name}( |$)`));
    },
  );

  it('prints the usage of a subcommand on stdout with exit 0, before parsing its options', async () => {
    const root = join(__dirname, '..', '..', '..');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', './tools/register.js', 'apps/cli/src/main.ts', 'provision', '--help'],
      { cwd: root },
    );
    expect(stdout).toContain('provision: provision (or remove) LwM2M endpoints');
    expect(stdout).toContain('npm run -s cli -- provision --remove <endpoint>...');
  });
});
