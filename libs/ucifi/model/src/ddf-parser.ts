import { XMLParser } from 'fast-xml-parser';
import {
  type DataType,
  type ObjectModel,
  type ResourceModel,
  type ResourceOperations,
} from '@smartcity/lwm2m-core';
import { ModelError } from './model.errors';
import { DEFAULT_OBJECT_VERSION, isObjectVersion } from './object-version';

/**
 * Reads an OMA DDF file (`<LWM2M><Object>...` as defined by schema/LWM2M.xsd and LWM2M-v1_1.xsd) into
 * `ObjectModel`s. The registry files hold exactly one `<Object>`, but the schema allows several, so all are
 * returned. Values are read as text (no number coercion) so "1.10" stays a version and names stay verbatim.
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  commentPropName: false,
  processEntities: true,
  isArray: (name) => name === 'Object' || name === 'Item',
});

/** DDF `<Type>` text -> LwM2M data type (Core 1.1.1 Appendix C); an empty type is an Executable resource. */
const TYPE_BY_DDF_NAME: Readonly<Record<string, DataType>> = {
  string: 'string',
  integer: 'integer',
  'unsigned integer': 'unsigned',
  float: 'float',
  boolean: 'boolean',
  opaque: 'opaque',
  time: 'time',
  objlnk: 'objlnk',
  corelnk: 'corelnk',
  '': 'none',
};

const OPERATIONS: Readonly<Record<string, ResourceOperations>> = {
  R: 'R',
  W: 'W',
  RW: 'RW',
  E: 'E',
  '': 'NONE',
};

type XmlNode = Record<string, unknown>;

function text(node: XmlNode, key: string): string | undefined {
  const value = node[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  // `<Units/>` and `<Units></Units>` both parse to "" ; an element with attributes has a `#text` child.
  if (typeof value === 'object' && value !== null && '#text' in value)
    return String((value as XmlNode)['#text']);
  if (typeof value === 'object' && value !== null) return '';
  return String(value);
}

function required(node: XmlNode, key: string, where: string, source: string | undefined): string {
  const value = text(node, key);
  if (value === undefined) throw new ModelError('DDF_MISSING_FIELD', `${where}: <${key}> is missing`, source);
  return value;
}

function cardinality(value: string, where: string, source: string | undefined): boolean {
  if (value === 'Multiple') return true;
  if (value === 'Single') return false;
  throw new ModelError('DDF_INVALID_FIELD', `${where}: MultipleInstances "${value}"`, source);
}

function mandatory(value: string, where: string, source: string | undefined): boolean {
  if (value === 'Mandatory') return true;
  if (value === 'Optional') return false;
  throw new ModelError('DDF_INVALID_FIELD', `${where}: Mandatory "${value}"`, source);
}

function id(value: string, where: string, source: string | undefined): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65534) {
    throw new ModelError('DDF_INVALID_FIELD', `${where}: invalid id "${value}"`, source);
  }
  return Number(value);
}

/** Empty optional texts are left out of the model so consumers test presence, not emptiness. */
function optional(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function parseResource(item: XmlNode, objectWhere: string, source: string | undefined): ResourceModel {
  const rid = id(String(item['@_ID'] ?? ''), `${objectWhere} <Item ID>`, source);
  const where = `${objectWhere}/${rid}`;
  const typeText = required(item, 'Type', where, source).toLowerCase();
  const type = TYPE_BY_DDF_NAME[typeText];
  if (!type) throw new ModelError('DDF_INVALID_FIELD', `${where}: Type "${typeText}"`, source);
  const operations = OPERATIONS[required(item, 'Operations', where, source)];
  if (!operations) throw new ModelError('DDF_INVALID_FIELD', `${where}: Operations`, source);
  const resource: ResourceModel = {
    id: rid,
    name: required(item, 'Name', where, source),
    operations,
    multiple: cardinality(required(item, 'MultipleInstances', where, source), where, source),
    mandatory: mandatory(required(item, 'Mandatory', where, source), where, source),
    type,
  };
  // Kept verbatim: the registry has free-text ranges ("ON;OFF" on a Float in 3418/22, "None" in 3431).
  const range = optional(text(item, 'RangeEnumeration'));
  const units = optional(text(item, 'Units'));
  const description = optional(text(item, 'Description'));
  return {
    ...resource,
    ...(range !== undefined && { rangeEnumeration: range }),
    ...(units !== undefined && { units }),
    ...(description !== undefined && { description }),
  };
}

function parseObject(node: XmlNode, source: string | undefined): ObjectModel {
  const oid = id(required(node, 'ObjectID', '<Object>', source), '<Object>', source);
  const where = `/${oid}`;
  const versionText = optional(text(node, 'ObjectVersion')) ?? DEFAULT_OBJECT_VERSION;
  if (!isObjectVersion(versionText)) {
    throw new ModelError('DDF_INVALID_FIELD', `${where}: ObjectVersion "${versionText}"`, source);
  }
  const resources = new Map<number, ResourceModel>();
  const container = node['Resources'];
  const items = typeof container === 'object' && container !== null ? (container as XmlNode)['Item'] : [];
  for (const item of (items ?? []) as XmlNode[]) {
    const resource = parseResource(item, where, source);
    if (resources.has(resource.id)) {
      throw new ModelError('DDF_DUPLICATE', `${where}: resource ${resource.id} declared twice`, source);
    }
    resources.set(resource.id, resource);
  }
  const lwm2mVersion = optional(text(node, 'LWM2MVersion'));
  const urn = optional(text(node, 'ObjectURN'));
  const description = optional(text(node, 'Description1'));
  return {
    id: oid,
    name: required(node, 'Name', where, source),
    version: versionText,
    ...(lwm2mVersion !== undefined && { lwm2mVersion }),
    ...(urn !== undefined && { urn }),
    multiple: cardinality(required(node, 'MultipleInstances', where, source), where, source),
    mandatory: mandatory(required(node, 'Mandatory', where, source), where, source),
    ...(description !== undefined && { description }),
    resources,
  };
}

/** Parses one DDF document. Throws `ModelError` on malformed XML or on a definition that breaks the schema. */
export function parseDdf(xml: string, source?: string): ObjectModel[] {
  let doc: XmlNode;
  try {
    doc = parser.parse(xml, true) as XmlNode;
  } catch (err) {
    throw new ModelError('DDF_INVALID_XML', (err as Error).message, source);
  }
  const root = doc['LWM2M'];
  if (typeof root !== 'object' || root === null) {
    throw new ModelError('DDF_MISSING_FIELD', 'no <LWM2M> root element', source);
  }
  const objects = (root as XmlNode)['Object'] as XmlNode[] | undefined;
  if (!objects || objects.length === 0)
    throw new ModelError('DDF_MISSING_FIELD', 'no <Object> element', source);
  return objects.map((node) => parseObject(node, source));
}
