import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { type AsyncApiDocument, type JsonSchema, renderContract } from './render-contract';

const DOC_DIR = join(__dirname, '..', '..', 'docs', 'asyncapi');
const doc = parse(readFileSync(join(DOC_DIR, 'asyncapi.yaml'), 'utf8')) as AsyncApiDocument;
const loadSchema = (path: string) => JSON.parse(readFileSync(join(DOC_DIR, path), 'utf8')) as JsonSchema;

describe('the partner contract examples', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  const headers = ajv.compile(doc.components.schemas?.['Headers'] as object);
  const messages = Object.entries(doc.components.messages);

  it.each(messages)('%s has examples', (_name, message) => {
    expect(message.examples?.length).toBeGreaterThan(0);
  });

  const examples = messages.flatMap(([name, message]) =>
    (message.examples ?? []).map(
      (example) => [name, example.name, message.payload.schema.$ref, example] as const,
    ),
  );
  it.each(examples)(
    '%s example %s validates against its payload and header schemas',
    (_m, _e, ref, example) => {
      const payload = ajv.getSchema(loadSchema(ref).$id as string) ?? ajv.compile(loadSchema(ref));
      expect({ valid: payload(example.payload), errors: payload.errors }).toEqual({
        valid: true,
        errors: null,
      });
      expect({ valid: headers(example.headers), errors: headers.errors }).toEqual({
        valid: true,
        errors: null,
      });
      const type = (example.payload as { type?: string }).type ?? 'telemetry';
      expect(example.headers?.['message-type']).toBe(type);
    },
  );
});

describe('renderContract', () => {
  const markdown = renderContract(doc, loadSchema);

  it('has a section per topic with its key and headers', () => {
    for (const channel of Object.values(doc.channels))
      expect(markdown).toContain(`### \`${channel.address}\``);
    expect(markdown).toContain('Kafka key: string. Device id (uuid).');
    expect(markdown).toContain('| `schema-version` | `"1"` | yes |');
  });

  it('lists nested fields with their type facts and whether they are required', () => {
    expect(markdown).toContain('| `measurements[].path` | string (pattern `^(/\\d{1,5}){3,4}$`) | yes |');
    expect(markdown).toContain('| `measurements[].quality.level` | number (0..100) | no |');
    expect(markdown).toContain('| `bootstrap.skipped[].code` | string (pattern `^4\\.\\d{2}$`) | yes |');
  });

  it('renders each variant of a oneOf payload', () => {
    expect(markdown).toContain(
      'One of: **device.registered, device.updated, device.deregistered, device.expired**',
    );
    expect(markdown).toContain('One of: **alarm.raised, alarm.cleared**');
  });

  it('escapes pipes inside table cells', () => {
    const s = (description: string): JsonSchema => ({ properties: { a: { type: 'string', description } } });
    const tiny = {
      asyncapi: '3.0.0',
      info: { title: 't', version: '1' },
      channels: { c: { address: 'a', messages: { m: { $ref: '#/components/messages/M' } } } },
      components: { messages: { M: { payload: { schema: { $ref: 'x.json' } } } } },
    } satisfies AsyncApiDocument;
    expect(renderContract(tiny, () => s('x | y'))).toContain('| `a` | string | no | x \\| y |');
  });

  it('refuses what it cannot resolve or render', () => {
    expect(() => renderContract({ ...doc, asyncapi: '2.6.0' }, loadSchema)).toThrow(
      'not an AsyncAPI 3.0 document',
    );
    const broken = {
      ...doc,
      channels: { x: { address: 'a', messages: { m: { $ref: '#/components/messages/Nope' } } } },
    };
    expect(() => renderContract(broken, loadSchema)).toThrow('unresolved message #/components/messages/Nope');
    expect(() => renderContract(doc, () => ({ oneOf: [{ $ref: '#/$defs/missing' }] }))).toThrow(
      'unresolved schema #/$defs/missing',
    );
  });
});
