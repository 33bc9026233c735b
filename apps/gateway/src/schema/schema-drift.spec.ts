import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// The schema is built by Nest (ESM-only packages Jest cannot load on Node 20), so the check runs as the same
// command CI and developers use, in a child process.
describe('exported GraphQL schema', () => {
  it('matches the code-first resolvers (run `npm run schema:gateway` after changing the API)', () => {
    const root = join(__dirname, '..', '..', '..', '..');
    const run = () =>
      execFileSync(
        process.execPath,
        ['-r', './tools/register.js', 'apps/gateway/src/schema/export-schema.ts', '--check'],
        {
          cwd: root,
          encoding: 'utf8',
          stdio: 'pipe',
        },
      );
    expect(run).not.toThrow();
  }, 60_000);
});
