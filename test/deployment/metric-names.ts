import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A metric an app defines with prom-client, where it is defined, and the series names Prometheus stores for it. */
export interface ExportedMetric {
  readonly name: string;
  readonly type: 'Counter' | 'Gauge' | 'Histogram' | 'Summary';
  readonly file: string;
}

const DEFINITION =
  /new (Counter|Gauge|Histogram|Summary)\s*(?:<[^>]*>)?\s*\(\s*\{\s*name:\s*'([a-zA-Z_:][a-zA-Z0-9_:]*)'/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.(int-)?spec\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Every prom-client metric defined in the sources under `dirs` (`new Counter({ name: '...' })` and its kin). */
export function definedMetrics(root: string, dirs: string[]): ExportedMetric[] {
  return dirs.flatMap((dir) =>
    sourceFiles(join(root, dir)).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(DEFINITION)].map((m) => ({
        type: m[1] as ExportedMetric['type'],
        name: m[2] as string,
        file: relative(root, file),
      })),
    ),
  );
}

/**
 * The series names a metric appears under in Prometheus (text exposition format 0.0.4, prom-client's default
 * content type, which writes counter names as defined): a histogram's `_bucket`, `_sum` and `_count`, a summary's
 * quantiles under its own name plus `_sum` and `_count`.
 */
export function seriesNames(metric: Pick<ExportedMetric, 'name' | 'type'>): string[] {
  switch (metric.type) {
    case 'Histogram':
      return ['_bucket', '_sum', '_count'].map((s) => metric.name + s);
    case 'Summary':
      return [metric.name, metric.name + '_sum', metric.name + '_count'];
    default:
      return [metric.name];
  }
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads. Removed first: quoted strings (label values, Grafana variables in
 * them), label matchers `{...}`, range and subquery selectors `[...]`, and the label lists of by/without/on/
 * ignoring/group_*; what remains is functions and aggregations (followed by `(`), keywords, numbers and metrics.
 */
export function metricNamesInPromQL(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, token, call] = m as unknown as [string, string, string | undefined];
    const before = stripped[(m.index ?? 0) - 1];
    if (call || KEYWORDS.has(token.toLowerCase()) || (before !== undefined && /[0-9.$]/.test(before)))
      continue;
    names.add(token);
  }
  return [...names];
}

interface GrafanaPanel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: GrafanaPanel[];
}

/** The PromQL expressions of a Grafana dashboard (panel targets, rows' nested panels included), by panel title. */
export function dashboardExpressions(dashboard: {
  panels?: GrafanaPanel[];
}): { where: string; expr: string }[] {
  const walk = (panels: GrafanaPanel[]): { where: string; expr: string }[] =>
    panels.flatMap((p) => [
      ...(p.targets ?? [])
        .filter((t) => t.expr)
        .map((t) => ({ where: `panel "${p.title ?? ''}"`, expr: t.expr as string })),
      ...walk(p.panels ?? []),
    ]);
  return walk(dashboard.panels ?? []);
}

/** The expressions of a Prometheus rule file (`groups[].rules[].expr`), by rule name. */
export function ruleExpressions(rules: {
  groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
}) {
  return rules.groups.flatMap((g) =>
    g.rules.map((r) => ({ where: `rule ${r.alert ?? r.record}`, expr: r.expr })),
  );
}
