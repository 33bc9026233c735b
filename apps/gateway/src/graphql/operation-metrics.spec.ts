import { parse } from 'graphql';
import { Registry } from 'prom-client';
import { operationLabels, OperationMetrics } from './operation-metrics';

describe('operationLabels', () => {
  it.each([
    ['query Lamps { lamps: devices(first: 5) { id } kpis { x } }', { type: 'query', field: 'devices' }],
    ['{ device(id: "x") { id } }', { type: 'query', field: 'device' }],
    [
      'mutation Dim($id: ID!) { sendCommand(deviceId: $id) { id } }',
      { type: 'mutation', field: 'sendCommand' },
    ],
    ['subscription { alarmChanged { id } }', { type: 'subscription', field: 'alarmChanged' }],
    ['{ __schema { types { name } } }', { type: 'query', field: 'introspection' }],
    ['query { ...F } fragment F on Query { me { id } }', { type: 'query', field: 'unknown' }],
    ['query A { me { id } } query B { me { id } }', { type: 'unknown', field: 'unknown' }],
  ])('%s -> %j', (query, expected) => {
    expect(operationLabels(parse(query))).toEqual(expected);
  });
});

describe('OperationMetrics', () => {
  async function observed(registry: Registry) {
    const metric = await registry.getSingleMetric('gateway_graphql_operation_duration_seconds')?.get();
    return (metric?.values ?? [])
      .filter(
        (v) => (v as { metricName?: string }).metricName === 'gateway_graphql_operation_duration_seconds_sum',
      )
      .map((v) => ({ labels: v.labels, seconds: v.value }));
  }

  it('observes the time between start and finish per request context, labelled by root field and outcome', async () => {
    const registry = new Registry();
    let now = 1000;
    const metrics = new OperationMetrics(registry, () => now);
    const a = {};
    const b = {};
    metrics.start(a, parse('{ devices { id } }'));
    metrics.start(b, parse('mutation { sendCommand(deviceId: "d") { id } }'));
    now += 40;
    metrics.finish(b, [new Error('refused')]);
    now += 10;
    metrics.finish(a, undefined);
    metrics.finish(a, undefined); // a second finish of the same context is not observed twice
    metrics.finish({}, []); // nor one that never started (refused before execution)
    expect(await observed(registry)).toEqual(
      expect.arrayContaining([
        { labels: { type: 'query', field: 'devices', outcome: 'ok' }, seconds: 0.05 },
        { labels: { type: 'mutation', field: 'sendCommand', outcome: 'error' }, seconds: 0.04 },
      ]),
    );
    expect(await observed(registry)).toHaveLength(2);
  });
});
