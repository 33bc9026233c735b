import {
  type CaseResult,
  type ConformanceReport,
  summarize,
  summaryLine,
} from '@smartcity/lwm2m-conformance';
import { ConformanceRunStatus, ConformanceVerdict } from './conformance.enums';
import {
  type ConformanceCaseResult,
  type ConformanceRun,
  type ConformanceVendorSummary,
} from './conformance.models';
import { type ConformanceRunRow } from './conformance.repository';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

export function toReport(row: ConformanceRunRow): ConformanceReport {
  return {
    runId: row.id,
    endpoint: row.endpoint,
    vendor: row.vendor,
    model: row.model,
    firmware: row.firmware,
    lwm2mVersion: row.lwm2mVersion,
    objects: row.objects,
    fullSuite: row.fullSuite,
    status: row.status,
    startedAt: iso(row.startedAt) ?? '',
    finishedAt: iso(row.finishedAt),
    summary: summarize(row.cases),
    cases: row.cases,
  };
}

function printable(base64: string | null): string | null {
  if (!base64) return null;
  const text = Buffer.from(base64, 'base64').toString('utf8');
  return /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text) ? null : text;
}

function toCase(c: CaseResult): ConformanceCaseResult {
  return {
    caseId: c.id,
    title: c.title,
    group: c.group,
    clause: c.clause,
    safe: c.safe,
    passCriteria: c.passCriteria,
    verdict: ConformanceVerdict[c.verdict],
    message: c.message,
    steps: c.steps.map((s) => ({
      title: s.title,
      request: { ...s.request },
      status: s.status,
      coapCode: s.coapCode,
      contentFormat: s.contentFormat,
      payload: s.payload,
      payloadText: printable(s.payload),
      error: s.error,
      startedAt: new Date(s.startedAt),
      durationMs: Math.round(s.durationMs),
    })),
  };
}

export function toRun(row: ConformanceRunRow): ConformanceRun {
  const report = toReport(row);
  return {
    id: row.id,
    tenantId: row.tenantId,
    source: row,
    deviceId: row.deviceId,
    endpoint: row.endpoint,
    status: ConformanceRunStatus[row.status],
    fullSuite: row.fullSuite,
    startedBy: row.startedBy,
    vendor: row.vendor,
    model: row.model,
    firmware: row.firmware,
    lwm2mVersion: row.lwm2mVersion,
    objects: row.objects,
    passed: row.passed,
    failed: row.failed,
    notApplicable: row.notApplicable,
    skipped: row.skipped,
    applicable: row.passed + row.failed,
    summary: summaryLine(report),
    error: row.error,
    startedAt: new Date(row.startedAt),
    finishedAt: row.finishedAt ? new Date(row.finishedAt) : null,
    cases: row.cases.map(toCase),
  };
}

/**
 * Per vendor, model and declared object versions, over completed runs (newest first): the latest run's score and
 * every case that failed in any run, so a city compares products, not single devices.
 */
export function vendorSummaries(rows: readonly ConformanceRunRow[]): ConformanceVendorSummary[] {
  const groups = new Map<string, ConformanceRunRow[]>();
  for (const r of rows) {
    if (r.status !== 'COMPLETED') continue;
    const key = JSON.stringify([r.vendor, r.model, r.objects]);
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  const out: ConformanceVendorSummary[] = [];
  for (const list of groups.values()) {
    const sorted = [...list].sort(
      (a, b) => new Date(b.startedAt).getTime() - new Date(a.startedAt).getTime(),
    );
    const latest = sorted[0] as ConformanceRunRow;
    const failed = new Map<string, string>();
    for (const r of sorted) {
      for (const c of r.cases)
        if (c.verdict === 'FAIL' && !failed.has(c.id)) failed.set(c.id, `${c.id} ${c.title}`);
    }
    const failedCases = [...failed.values()];
    const report = toReport(latest);
    const who = `${latest.vendor ?? 'unknown vendor'} ${latest.model ?? 'unknown model'}`;
    out.push({
      vendor: latest.vendor,
      model: latest.model,
      objects: latest.objects,
      runs: sorted.length,
      devices: new Set(sorted.map((r) => r.deviceId)).size,
      latestRunId: latest.id,
      passed: report.summary.passed,
      applicable: report.summary.applicable,
      failedCases,
      summary:
        `${who} (${latest.objects}): ${report.summary.passed}/${report.summary.applicable}` +
        (failedCases.length ? `, fails ${failedCases.join('; ')}` : ', no failure'),
    });
  }
  return out.sort((a, b) => `${a.vendor} ${a.model}`.localeCompare(`${b.vendor} ${b.model}`));
}
