import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cityEventsTopic, cityTelemetryTopic, SCHEMA_VERSION_HEADER } from '@smartcity/platform-contracts';

const DOCS = join(__dirname, '..', '..', '..', '..', 'docs', 'asyncapi');
const doc = readFileSync(join(DOCS, 'asyncapi.yaml'), 'utf8');

describe('docs/asyncapi/asyncapi.yaml', () => {
  it('is an AsyncAPI 3 document', () => {
    expect(doc).toMatch(/^asyncapi: 3\.0\.0$/m);
  });

  it('declares the topic addresses the decoder publishes to', () => {
    const addresses = [...doc.matchAll(/^\s+address: (\S+)$/gm)].map((m) => m[1]);
    expect(addresses).toEqual([
      cityTelemetryTopic('tenant').replace('tenant', '{tenant}'),
      cityEventsTopic('tenant').replace('tenant', '{tenant}'),
    ]);
  });

  it('references JSON Schema files that exist', () => {
    const refs = [...doc.matchAll(/\$ref: '\.\/(schemas\/[^']+)'/g)].map((m) => m[1]!);
    expect(refs.length).toBe(2);
    for (const ref of refs) expect(existsSync(join(DOCS, ref))).toBe(true);
  });

  it('documents the schema version header', () => {
    expect(doc).toContain(`${SCHEMA_VERSION_HEADER}:`);
  });
});
