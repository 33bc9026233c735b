import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const SCHEMA_DIR = join(__dirname, '..', '..', '..', '..', 'docs', 'asyncapi', 'schemas');

/**
 * Validators compiled from the AsyncAPI document's JSON Schemas (docs/asyncapi/schemas): what partners are
 * promised, checked by the tests of every app that produces partner messages (decoder, bootstrap).
 */
export function partnerSchemaValidators() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  const load = (file: string) => JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as object;
  return {
    telemetry: ajv.compile(load('telemetry-message.schema.json')),
    event: ajv.compile(load('event-message.schema.json')),
  };
}
