/**
 * Renders the partner contract (docs/asyncapi/asyncapi.yaml and the JSON Schemas it references) into Markdown for
 * people: one section per topic with its key, headers, payload fields and examples. Pure: the caller reads and
 * writes the files (render.ts), the tests feed documents directly.
 */

/** The subset of JSON Schema (draft 2020-12) the contract's schemas use. */
export interface JsonSchema {
  readonly $id?: string;
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly format?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly oneOf?: readonly JsonSchema[];
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
}

interface MessageExample {
  readonly name?: string;
  readonly summary?: string;
  readonly headers?: Record<string, unknown>;
  readonly payload?: unknown;
}

/** The parts of an AsyncAPI 3.0 document (§3.3 of the specification) that the rendering reads. */
export interface AsyncApiDocument {
  readonly asyncapi: string;
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly servers?: Readonly<Record<string, { host: string; protocol: string; description?: string }>>;
  readonly channels: Readonly<
    Record<
      string,
      {
        address: string;
        title?: string;
        description?: string;
        parameters?: Record<string, { description?: string }>;
        messages: Record<string, { $ref: string }>;
      }
    >
  >;
  readonly components: {
    readonly messages: Readonly<
      Record<
        string,
        {
          name?: string;
          contentType?: string;
          headers?: { $ref: string };
          payload: { schema: { $ref: string } };
          bindings?: { kafka?: { key?: JsonSchema } };
          examples?: readonly MessageExample[];
        }
      >
    >;
    readonly schemas?: Readonly<Record<string, JsonSchema>>;
  };
}

/** Loads the JSON Schema file a payload `$ref` names (`./schemas/x.json`, relative to the document). */
export type SchemaLoader = (relativePath: string) => JsonSchema;

export function renderContract(doc: AsyncApiDocument, loadSchema: SchemaLoader): string {
  if (!/^3\.0\.\d+$/.test(doc.asyncapi)) throw new Error(`not an AsyncAPI 3.0 document: ${doc.asyncapi}`);
  const out: string[] = [
    '<!-- Generated from docs/asyncapi/asyncapi.yaml by tools/asyncapi-render (npm run docs:contract); do not edit. -->',
    `# ${doc.info.title} (contract ${doc.info.version})`,
    '',
    doc.info.description?.trim() ?? '',
    '',
  ];
  const servers = Object.entries(doc.servers ?? {});
  if (servers.length > 0) {
    out.push('## Servers', '', '| name | host | protocol | notes |', '| --- | --- | --- | --- |');
    for (const [name, s] of servers)
      out.push(`| ${name} | \`${s.host}\` | ${s.protocol} | ${cell(s.description)} |`);
    out.push('');
  }
  out.push('## Topics', '');
  for (const channel of Object.values(doc.channels)) {
    out.push(`### \`${channel.address}\``, '');
    if (channel.title) out.push(channel.title + '.', '');
    if (channel.description) out.push(channel.description.trim(), '');
    for (const [param, p] of Object.entries(channel.parameters ?? {}))
      out.push(`- \`{${param}}\`: ${p.description ?? ''}`);
    if (channel.parameters) out.push('');
    for (const ref of Object.values(channel.messages)) out.push(...renderMessage(doc, ref.$ref, loadSchema));
  }
  return (
    out
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}

function renderMessage(doc: AsyncApiDocument, ref: string, loadSchema: SchemaLoader): string[] {
  const message = doc.components.messages[localName(ref, '#/components/messages/')];
  if (!message) throw new Error(`unresolved message ${ref}`);
  const out = [`#### Message ${message.name ?? localName(ref, '#/components/messages/')}`, ''];
  if (message.contentType) out.push(`Content type \`${message.contentType}\`.`, '');
  const key = message.bindings?.kafka?.key;
  if (key) out.push(`Kafka key: ${describeType(key, {})}. ${key.description ?? ''}`.trim(), '');
  if (message.headers) {
    const headers = doc.components.schemas?.[localName(message.headers.$ref, '#/components/schemas/')];
    if (!headers) throw new Error(`unresolved headers ${message.headers.$ref}`);
    out.push('Headers:', '', ...fieldTable(headers, {}), '');
  }
  const payload = loadSchema(message.payload.schema.$ref);
  out.push('Payload:', '');
  if (payload.description) out.push(payload.description, '');
  const defs = payload.$defs ?? {};
  const variants = payload.oneOf ?? [payload];
  for (const variant of variants) {
    const resolved = resolve(variant, defs);
    if (payload.oneOf) out.push(`One of: **${variantName(variant, resolved)}**`, '');
    out.push(...fieldTable(resolved, defs), '');
  }
  for (const example of message.examples ?? []) {
    out.push(
      `Example${example.name ? ` \`${example.name}\`` : ''}${example.summary ? `: ${example.summary}` : ''}`,
      '',
    );
    if (example.headers)
      out.push('```json', JSON.stringify({ headers: example.headers }, null, 2), '```', '');
    out.push('```json', JSON.stringify(example.payload, null, 2), '```', '');
  }
  return out;
}

/** A field per row, nested objects flattened with dotted names and arrays of objects with `[]`. */
function fieldTable(schema: JsonSchema, defs: Readonly<Record<string, JsonSchema>>): string[] {
  const rows = ['| field | type | required | description |', '| --- | --- | --- | --- |'];
  const walk = (s: JsonSchema, prefix: string) => {
    const required = new Set(s.required ?? []);
    for (const [name, raw] of Object.entries(s.properties ?? {})) {
      const field = resolve(raw, defs);
      const path = prefix + name;
      rows.push(
        `| \`${path}\` | ${describeType(field, defs)} | ${required.has(name) ? 'yes' : 'no'} | ${cell(field.description)} |`,
      );
      if (field.properties) walk(field, `${path}.`);
      const item = field.items && resolve(field.items, defs);
      if (item?.properties) walk(item, `${path}[].`);
    }
  };
  walk(schema, '');
  return rows;
}

function describeType(s: JsonSchema, defs: Readonly<Record<string, JsonSchema>>): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return 'one of ' + s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(', ');
  const types = s.type === undefined ? [] : typeof s.type === 'string' ? [s.type] : [...s.type];
  let text = types.join(' or ') || 'any';
  if (types.includes('array') && s.items) text = `array of ${describeType(resolve(s.items, defs), defs)}`;
  const facts: string[] = [];
  if (s.format) facts.push(s.format);
  if (s.pattern) facts.push(`pattern \`${s.pattern.replace(/\|/g, '\\|')}\``);
  if (s.minLength !== undefined || s.maxLength !== undefined)
    facts.push(`length ${range(s.minLength, s.maxLength)}`);
  if (s.minimum !== undefined || s.maximum !== undefined) facts.push(range(s.minimum, s.maximum));
  if (s.minItems !== undefined || s.maxItems !== undefined)
    facts.push(`${range(s.minItems, s.maxItems)} items`);
  return facts.length > 0 ? `${text} (${facts.join(', ')})` : text;
}

function range(min: number | undefined, max: number | undefined): string {
  return `${min ?? ''}..${max ?? ''}`;
}

function resolve(s: JsonSchema, defs: Readonly<Record<string, JsonSchema>>): JsonSchema {
  if (!s.$ref) return s;
  const target = defs[localName(s.$ref, '#/$defs/')];
  if (!target) throw new Error(`unresolved schema ${s.$ref}`);
  return { ...target, description: s.description ?? target.description };
}

function variantName(ref: JsonSchema, resolved: JsonSchema): string {
  const type = resolved.properties?.['type'];
  if (type?.enum) return type.enum.map((v) => String(v)).join(', ');
  return resolved.title ?? (ref.$ref ? localName(ref.$ref, '#/$defs/') : 'object');
}

function localName(ref: string, prefix: string): string {
  if (!ref.startsWith(prefix)) throw new Error(`unsupported reference ${ref} (expected ${prefix}...)`);
  return ref.slice(prefix.length);
}

/** A Markdown table cell: one line, pipes escaped. */
function cell(text: string | undefined): string {
  return (text ?? '').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}
