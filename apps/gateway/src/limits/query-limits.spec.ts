import { buildSchema, parse, specifiedRules, validate, type ValidationRule } from 'graphql';
import { aliasLimitRule } from './alias-limit.rule';
import { costLimitError, costLimitRule, type CostLimitOptions } from './cost-limit.rule';
import { depthLimitRule } from './depth-limit.rule';

const schema = buildSchema(`
  type Query { devices(first: Int): DeviceConnection!, device(id: ID!): Device, me: Me! }
  type Me { name: String! }
  type DeviceConnection { edges: [DeviceEdge!]!, total: Int }
  type DeviceEdge { node: Device! }
  type Device { id: ID!, name: String, state: [Instance!]!, alarms: [Alarm!]!, peer: Device }
  type Instance { objectId: Int!, resources: [Resource!]! }
  type Resource { path: String!, value: Float }
  type Alarm { id: ID!, device: Device! }
`);

function errorsOf(query: string, rule: ValidationRule) {
  return validate(schema, parse(query), [...specifiedRules, rule]).map((e) => ({
    message: e.message,
    extensions: e.extensions,
  }));
}

describe('depthLimitRule', () => {
  const rule = depthLimitRule(4);
  it.each([
    ['a root scalar', '{ me { name } }'],
    ['exactly the limit', '{ device(id: "1") { peer { peer { name } } } }'],
    [
      'introspection, which has its own switch',
      '{ __schema { types { fields { type { ofType { ofType { name } } } } } } }',
    ],
    [
      'fragments that stay within the limit',
      'query { device(id: "1") { ...F } } fragment F on Device { peer { name } }',
    ],
  ])('accepts %s', (_n, query) => {
    expect(errorsOf(query, rule)).toEqual([]);
  });

  it.each([
    ['plain nesting', '{ device(id: "1") { peer { peer { peer { name } } } } }', 5],
    [
      'nesting hidden in fragments',
      'query { device(id: "1") { ...A } } fragment A on Device { peer { ...B } } fragment B on Device { peer { peer { id } } }',
      5,
    ],
    [
      'nesting in inline fragments',
      '{ device(id: "1") { ... on Device { peer { peer { peer { id } } } } } }',
      5,
    ],
  ])('refuses %s', (_n, query, depth) => {
    expect(errorsOf(query, rule)).toEqual([
      {
        message: `query depth ${depth} exceeds the limit of 4`,
        extensions: expect.objectContaining({ limit: 'depth' }),
      },
    ]);
  });
});

describe('aliasLimitRule', () => {
  const rule = aliasLimitRule(3);
  it('accepts up to the limit', () => {
    expect(errorsOf('{ a: me { name } b: me { name } c: me { name } }', rule)).toEqual([]);
  });
  it('refuses more aliases than the limit', () => {
    expect(errorsOf('{ a: me { name } b: me { name } c: me { name } d: me { name } }', rule)).toHaveLength(1);
  });
  it('counts aliases in a fragment once per spread', () => {
    const query = `{ x: device(id: "1") { ...F } y: device(id: "2") { ...F } }
      fragment F on Device { n1: name }`;
    expect(errorsOf(query, rule)).toEqual([
      {
        message: '4 aliases exceed the limit of 3',
        extensions: expect.objectContaining({ limit: 'aliases', actual: 4 }),
      },
    ]);
  });
});

describe('costLimitRule', () => {
  const options: CostLimitOptions = { maxCost: 1000, defaultListSize: 10, maxListSize: 100 };
  const costOf = (query: string, extra: Partial<CostLimitOptions> = {}) => {
    const errors = errorsOf(query, costLimitRule({ ...options, ...extra, maxCost: 0 }));
    return errors.length === 0 ? 0 : (errors[0]!.extensions['actual'] as number);
  };

  it.each([
    ['scalar fields are free', '{ device(id: "1") { id name } }', 1],
    [
      'a list multiplies its children by the default size',
      '{ device(id: "1") { state { objectId } } }',
      1 + 10,
    ],
    ['nested lists multiply', '{ device(id: "1") { state { resources { path } } } }', 1 + 10 * (1 + 10)],
    [
      'the page size argument multiplies a connection',
      '{ devices(first: 20) { edges { node { id } } } }',
      1 + 20 * 2,
    ],
    [
      'a variable page size counts as the maximum',
      'query($n: Int) { devices(first: $n) { edges { node { id } } } }',
      1 + 100 * 2,
    ],
    [
      'a literal page size above the maximum is capped',
      '{ devices(first: 100000) { edges { node { id } } } }',
      1 + 100 * 2,
    ],
  ])('%s', (_n, query, expected) => {
    expect(costOf(query)).toBe(expected);
  });

  it('applies configured field costs and list sizes', () => {
    const query = '{ device(id: "1") { alarms { id } } }';
    expect(costOf(query, { fieldCosts: { 'Query.device': 5 }, listSizes: { 'Device.alarms': 3 } })).toBe(
      5 + 1 + 3,
    );
  });

  it('refuses an operation above the limit and accepts one below', () => {
    const rule = costLimitRule(options);
    expect(
      errorsOf('{ devices(first: 100) { edges { node { state { resources { path } } } } } }', rule),
    ).toEqual([
      {
        message: expect.stringMatching(/query cost \d+ exceeds the limit of 1000/),
        extensions: expect.objectContaining({ limit: 'cost' }),
      },
    ]);
    expect(errorsOf('{ devices(first: 10) { edges { node { state { objectId } } } } }', rule)).toEqual([]);
  });

  it('counts aliased copies of an expensive field separately', () => {
    const one = costOf('{ a: devices(first: 50) { edges { node { id } } } }');
    const three = costOf(
      '{ a: devices(first: 50) { edges { node { id } } } b: devices(first: 50) { edges { node { id } } } c: devices(first: 50) { edges { node { id } } } }',
    );
    expect(three).toBe(3 * one);
  });
});

describe('cost of time ranges (issue 17: cost grows with the rows a field may scan)', () => {
  const ranged = buildSchema(`
    type Query { telemetry(from: String!, to: String!): Series!, kpis(since: String): Kpis! }
    type Series { unit: String }
    type Kpis { total: Int }
  `);
  const NOW = Date.parse('2026-06-01T00:00:00Z');
  const options: CostLimitOptions = {
    maxCost: 1000,
    defaultListSize: 10,
    maxListSize: 100,
    fieldCosts: { 'Query.telemetry': 10 },
    rangeCosts: {
      'Query.telemetry': { from: 'from', to: 'to', perDay: 10, defaultDays: 1 },
      'Query.kpis': { from: 'since', perDay: 100, defaultDays: 1 },
    },
    now: () => NOW,
  };
  const costAt = (query: string, variables?: Record<string, unknown>) => {
    const error = costLimitError(ranged, parse(query), variables ?? {}, { ...options, maxCost: 0 });
    return (error?.extensions['actual'] as number | undefined) ?? 0;
  };

  it.each([
    [
      'one day of telemetry',
      '{ telemetry(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { unit } }',
      10 + 10 + 1,
    ],
    [
      '30 days of telemetry',
      '{ telemetry(from: "2026-01-01T00:00:00Z", to: "2026-01-31T00:00:00Z") { unit } }',
      10 + 300 + 1,
    ],
    ['KPIs of today (no since)', '{ kpis { total } }', 100 + 1],
    ['KPIs over 31 days', '{ kpis(since: "2026-05-01T00:00:00Z") { total } }', 3100 + 1],
  ])('%s', (_n, query, expected) => {
    expect(costAt(query)).toBe(expected);
  });

  it('prices a range given as variables by their values', () => {
    const query = 'query($a: String!, $b: String!) { telemetry(from: $a, to: $b) { unit } }';
    expect(costAt(query, { a: '1970-01-01T00:00:00Z', b: '2100-01-01T00:00:00Z' })).toBeGreaterThan(400_000);
  });

  it('refuses 30 aliases of a 1970-2100 telemetry scan, which the old per-field cost let through', () => {
    const aliases = Array.from(
      { length: 30 },
      (_, i) => `t${i}: telemetry(from: "1970-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") { unit }`,
    ).join(' ');
    const errors = validate(ranged, parse(`{ ${aliases} }`), [...specifiedRules, costLimitRule(options)]);
    expect(errors[0]?.extensions).toMatchObject({ limit: 'cost' });
  });

  it('refuses at execution a range the validation could not see (variables)', () => {
    const query = 'query($a: String!, $b: String!) { telemetry(from: $a, to: $b) { unit } }';
    expect(validate(ranged, parse(query), [...specifiedRules, costLimitRule(options)])).toEqual([]);
    const error = costLimitError(
      ranged,
      parse(query),
      { a: '2020-01-01T00:00:00Z', b: '2026-01-01T00:00:00Z' },
      options,
    );
    expect(error?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost' });
  });
});
