import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse } from 'yaml';
import {
  dashboardExpressions,
  definedMetrics,
  metricNamesInPromQL,
  ruleExpressions,
  seriesNames,
} from './metric-names';

// The dashboard and the alert rules the chart ships must read metrics that something exports: a renamed metric
// would leave an empty panel and an alert that never fires. Needs no service (the integration project is the one
// whose globs take test/**).

const ROOT = join(__dirname, '..', '..');
const FILES = join(ROOT, 'helm', 'smartcity', 'files');

/** Series that do not come from the apps, with where they come from. */
const EXTERNAL: Record<string, string> = {
  up: 'Prometheus itself, one per scraped target',
  kafka_consumergroup_lag: "Kafka Exporter (Strimzi's kafkaExporter, or danielqsj/kafka_exporter)",
};

function exportedSeries(): Map<string, string> {
  const series = new Map<string, string>();
  for (const m of definedMetrics(ROOT, ['apps', 'libs'])) {
    for (const s of seriesNames(m)) series.set(s, m.file);
  }
  // Every app's registry comes from libs/platform/observability, which calls collectDefaultMetrics.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const m of registry.getMetricsAsArray()) {
    const type = (m as unknown as { type: string }).type;
    const kind = type === 'histogram' ? 'Histogram' : type === 'summary' ? 'Summary' : 'Gauge';
    for (const s of seriesNames({ name: m.name, type: kind })) series.set(s, 'prom-client default metrics');
  }
  for (const [name, from] of Object.entries(EXTERNAL)) series.set(name, from);
  return series;
}

function unknownNames(expressions: { where: string; expr: string }[], series: Map<string, string>): string[] {
  return expressions.flatMap(({ where, expr }) =>
    metricNamesInPromQL(expr)
      .filter((name) => !series.has(name))
      .map((name) => `${where}: ${name}`),
  );
}

describe('metric names in the dashboard and the alert rules', () => {
  const series = exportedSeries();
  const dashboard = JSON.parse(readFileSync(join(FILES, 'grafana-dashboard.json'), 'utf8'));
  const rules = parse(readFileSync(join(FILES, 'prometheus-rules.yaml'), 'utf8'));

  it('finds the apps’ metric definitions (the scan itself works)', () => {
    expect(series.get('coap_ingest_responses_total')).toBe('apps/coap-ingest/src/metrics/ingest.metrics.ts');
    expect(series.get('decoder_flush_duration_seconds_bucket')).toBe('apps/decoder/src/decoder.metrics.ts');
    expect(series.has('decoder_flush_duration_seconds')).toBe(false);
    expect(series.get('process_cpu_seconds_total')).toBe('prom-client default metrics');
  });

  it('reads metric names out of PromQL, not functions, labels, keywords or Grafana variables', () => {
    expect(
      metricNamesInPromQL(
        'histogram_quantile(0.99, sum by (le, kind) (rate(coap_ingest_dtls_handshake_seconds_bucket{pod=~"$release-.*"}[$__rate_interval])))',
      ),
    ).toEqual(['coap_ingest_dtls_handshake_seconds_bucket']);
    expect(
      metricNamesInPromQL(
        'sum(rate(a_total[5m])) / clamp_min(sum(rate(b_total[5m])), 1) > 0.05 and on (pod) c unless deriv(d[15m:1m]) > 1e3',
      ),
    ).toEqual(['a_total', 'b_total', 'c', 'd']);
  });

  it('refuses a name nobody exports', () => {
    const broken = {
      panels: [{ title: 'typo', targets: [{ expr: 'sum(rate(coap_ingest_uplink_total[5m]))' }] }],
    };
    expect(unknownNames(dashboardExpressions(broken), series)).toEqual([
      'panel "typo": coap_ingest_uplink_total',
    ]);
  });

  it('dashboard: every metric it queries is exported', () => {
    const expressions = dashboardExpressions(dashboard);
    expect(expressions.length).toBeGreaterThan(20);
    expect(unknownNames(expressions, series)).toEqual([]);
  });

  it('alert rules: every metric they query is exported', () => {
    const expressions = ruleExpressions(rules);
    expect(expressions.length).toBeGreaterThan(10);
    expect(unknownNames(expressions, series)).toEqual([]);
  });

  it('covers what issue 22 asks the dashboard to show', () => {
    const used = new Set(dashboardExpressions(dashboard).flatMap(({ expr }) => metricNamesInPromQL(expr)));
    for (const name of [
      'coap_ingest_uplinks_total', // ingest rates
      'coap_ingest_responses_total', // response codes
      'coap_ingest_dtls_handshakes_total', // DTLS handshakes
      'kafka_consumergroup_lag', // Kafka lag
      'decoder_flush_duration_seconds_bucket', // decoder flush times
      'decoder_values_written_total', // DB write rate
      'gateway_http_request_duration_seconds_bucket', // gateway latency
      'decoder_communication_loss_alarms_total', // alarms
    ]) {
      expect(used).toContain(name);
    }
  });
});
