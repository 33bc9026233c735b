/**
 * Writes docs/partners/contract.md from docs/asyncapi/asyncapi.yaml and its JSON Schemas.
 * Usage: `npm run docs:contract [-- --out <file>]` (tools/check-generated.sh renders into a temp file and diffs).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';
import { parse } from 'yaml';
import { type AsyncApiDocument, type JsonSchema, renderContract } from './render-contract';

const REPO_ROOT = resolve(__dirname, '..', '..');
const DOC_DIR = join(REPO_ROOT, 'docs', 'asyncapi');
const DEFAULT_OUT = join(REPO_ROOT, 'docs', 'partners', 'contract.md');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string', default: DEFAULT_OUT } } });
  const doc = parse(readFileSync(join(DOC_DIR, 'asyncapi.yaml'), 'utf8')) as AsyncApiDocument;
  const markdown = renderContract(
    doc,
    (path) => JSON.parse(readFileSync(join(DOC_DIR, path), 'utf8')) as JsonSchema,
  );
  // Formatted as the repository's Prettier would, so the committed file passes `prettier --check`.
  const options = (await prettier.resolveConfig(DEFAULT_OUT)) ?? {};
  const formatted = await prettier.format(markdown, { ...options, filepath: DEFAULT_OUT });
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, formatted);
  process.stdout.write(`wrote ${values.out}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`asyncapi-render: ${(err as Error).message}\n`);
  process.exit(1);
});
