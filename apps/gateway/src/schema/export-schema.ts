import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { format, resolveConfig } from 'prettier';
import { RESOLVERS } from '../resolvers';
import { SCHEMA_BUILD_OPTIONS, SCHEMA_FILE } from './schema-options';

/**
 * Prints the code-first schema to apps/gateway/schema.graphql (the API contract kept in the repository).
 *   node -r ./tools/register.js apps/gateway/src/schema/export-schema.ts          write the file
 *   node -r ./tools/register.js apps/gateway/src/schema/export-schema.ts --check  exit 1 when the file is stale
 */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  await app.init();
  const schema = await app.get(GraphQLSchemaFactory).create([...RESOLVERS], SCHEMA_BUILD_OPTIONS);
  await app.close();
  const file = join(__dirname, '..', '..', '..', '..', SCHEMA_FILE);
  // Formatted like the rest of the repository, so `prettier --check` and this check agree.
  const sdl = await format(
    `# Generated from the gateway's code-first resolvers: npm run schema:gateway. Do not edit.\n\n${printSchema(
      lexicographicSortSchema(schema),
    )}\n`,
    { ...(await resolveConfig(file)), parser: 'graphql' },
  );
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // missing file counts as drift
    }
    if (current !== sdl) {
      console.error(`${SCHEMA_FILE} is out of date: run npm run schema:gateway and commit it`);
      process.exit(1);
    }
    console.log(`${SCHEMA_FILE} is up to date`);
    return;
  }
  writeFileSync(file, sdl);
  console.log(`wrote ${SCHEMA_FILE}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
