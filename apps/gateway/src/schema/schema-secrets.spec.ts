import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  getNamedType,
  type GraphQLNamedType,
  type GraphQLSchema,
  isInterfaceType,
  isObjectType,
  isUnionType,
} from 'graphql';
import { SCHEMA_FILE } from './schema-options';

const schema = buildSchema(readFileSync(join(__dirname, '..', '..', '..', '..', SCHEMA_FILE), 'utf8'));

/** Every output type reachable from a root (fields' types, union members, interface implementations). */
function reachable(
  s: GraphQLSchema,
  root: GraphQLNamedType | null | undefined,
): Map<string, GraphQLNamedType> {
  const seen = new Map<string, GraphQLNamedType>();
  const visit = (type: GraphQLNamedType) => {
    if (seen.has(type.name)) return;
    seen.set(type.name, type);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) visit(getNamedType(field.type));
    }
    if (isUnionType(type)) type.getTypes().forEach(visit);
    if (isInterfaceType(type)) s.getImplementations(type).objects.forEach(visit);
  };
  if (root) visit(root);
  return seen;
}

/** Fields that would hand out key material (a generated PSK's key, a sealed secret, a private key). */
const SECRET_FIELD = /key(hex)?$|secret|sealed|private/i;
/** Names that match but hold no key material (reviewed): a new match fails the test until it is reviewed. */
const NOT_KEY_MATERIAL = new Set(['Command.idempotencyKey', 'Partner.secretIssuedAt']);

// Issue 14: keys are never returned by any API after creation; a generated PSK is shown once, in the mutation result.
describe('the exported schema and key material', () => {
  const readable = new Map([
    ...reachable(schema, schema.getQueryType()),
    ...reachable(schema, schema.getSubscriptionType()),
  ]);

  it('has no type carrying a key reachable from a query or a subscription', () => {
    expect(readable.has('GeneratedPsk')).toBe(false);
    expect(readable.has('ProvisionedDevice')).toBe(false);
    expect(readable.has('DeviceCredentialChange')).toBe(false);
    const offending = [...readable.values()].flatMap((type) =>
      isObjectType(type) || isInterfaceType(type)
        ? Object.keys(type.getFields())
            .filter((f) => SECRET_FIELD.test(f))
            .map((f) => `${type.name}.${f}`)
            .filter((f) => !NOT_KEY_MATERIAL.has(f))
        : [],
    );
    expect(offending).toEqual([]);
  });

  it('exposes of a credential only its mode and PSK identity on Device', () => {
    const device = schema.getType('Device');
    if (!isObjectType(device)) throw new Error('Device is not an object type');
    expect(
      Object.keys(device.getFields())
        .filter((f) => /psk|security|credential|key/i.test(f))
        .sort(),
    ).toEqual(['pskIdentity', 'securityMode']);
  });

  it('returns a generated PSK from the provisioning and credential mutations only', () => {
    const mutation = schema.getMutationType()!;
    const carriers = Object.values(mutation.getFields())
      .filter((f) => reachable(schema, getNamedType(f.type)).has('GeneratedPsk'))
      .map((f) => f.name)
      .sort();
    expect(carriers).toEqual(['provisionDevice', 'provisionDevices', 'setDeviceCredential']);
  });
});
