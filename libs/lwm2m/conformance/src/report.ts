import { type CaseGroup } from './model';

export type CaseResultVerdict = 'PASS' | 'FAIL' | 'NOT_APPLICABLE' | 'SKIPPED';

/** One step as recorded: the request, what the device answered and when. The payload is base64. */
export interface StepEvidence {
  readonly title: string;
  readonly request: Readonly<Record<string, unknown>>;
  readonly status: string;
  readonly coapCode: string | null;
  readonly contentFormat: number | null;
  readonly payload: string | null;
  readonly error: string | null;
  readonly startedAt: string;
  readonly durationMs: number;
}

export interface CaseResult {
  readonly id: string;
  readonly title: string;
  readonly group: CaseGroup;
  readonly clause: string;
  readonly safe: boolean;
  readonly passCriteria: string;
  readonly verdict: CaseResultVerdict;
  readonly message: string;
  readonly steps: readonly StepEvidence[];
}

export interface RunSummary {
  readonly passed: number;
  readonly failed: number;
  readonly notApplicable: number;
  readonly skipped: number;
  /** Passed + failed: the cases that ran. */
  readonly applicable: number;
}

export interface ConformanceReport {
  readonly runId: string;
  readonly endpoint: string;
  readonly vendor: string | null;
  readonly model: string | null;
  readonly firmware: string | null;
  readonly lwm2mVersion: string | null;
  /** "3416 v2.0, 3418 v2.1" */
  readonly objects: string;
  readonly fullSuite: boolean;
  readonly status: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly summary: RunSummary;
  readonly cases: readonly CaseResult[];
}

export function summarize(cases: readonly Pick<CaseResult, 'verdict'>[]): RunSummary {
  const count = (v: CaseResultVerdict) => cases.filter((c) => c.verdict === v).length;
  const passed = count('PASS');
  const failed = count('FAIL');
  return {
    passed,
    failed,
    notApplicable: count('NOT_APPLICABLE'),
    skipped: count('SKIPPED'),
    applicable: passed + failed,
  };
}

/** "Lumicity LC-700 (3416 v2.0): 41/44, fails 207 Read /3/0 in SenML CBOR" */
export function summaryLine(
  r: Pick<ConformanceReport, 'vendor' | 'model' | 'objects' | 'summary' | 'cases'>,
): string {
  const failed = r.cases.filter((c) => c.verdict === 'FAIL').map((c) => `${c.id} ${c.title}`);
  const who = `${r.vendor ?? 'unknown vendor'} ${r.model ?? 'unknown model'}`;
  return (
    `${who} (${r.objects}): ${r.summary.passed}/${r.summary.applicable}` +
    (failed.length ? `, fails ${failed.join('; ')}` : ', no failure')
  );
}

/** A plain-text report for a terminal. */
export function renderText(r: ConformanceReport): string {
  const lines = [
    `Conformance run ${r.runId} (${r.status}) of ${r.endpoint}`,
    `Device: ${r.vendor ?? '?'} ${r.model ?? '?'} firmware ${r.firmware ?? '?'}, LwM2M ${r.lwm2mVersion ?? '?'}`,
    `Objects: ${r.objects}`,
    `Suite: ${r.fullSuite ? 'full' : 'safe cases only'}; started ${r.startedAt}${r.finishedAt ? `, finished ${r.finishedAt}` : ''}`,
    `Result: ${summaryLine(r)}`,
    '',
  ];
  for (const c of r.cases) {
    lines.push(`${c.verdict.padEnd(14)} ${c.id.padEnd(9)} ${c.title}  [${c.clause}]`);
    if (c.verdict !== 'PASS') lines.push(`${' '.repeat(25)}${c.message}`);
  }
  const s = r.summary;
  lines.push(
    '',
    `${s.passed} passed, ${s.failed} failed, ${s.notApplicable} not applicable, ${s.skipped} skipped`,
  );
  return lines.join('\n');
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** What a payload shows in the report: text when it is printable UTF-8, hex otherwise. */
function payloadView(base64: string | null): string {
  if (!base64) return '';
  const bytes = Buffer.from(base64, 'base64');
  const text = bytes.toString('utf8');
  const printable = !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text);
  const shown = printable ? text : bytes.toString('hex');
  return shown.length > 600 ? `${shown.slice(0, 600)}… (${bytes.length} bytes)` : shown;
}

/** A self-contained HTML document of a run (for a tender file): summary, then every case with its evidence. */
export function renderHtml(r: ConformanceReport): string {
  const s = r.summary;
  const rows = r.cases
    .map((c) => {
      const steps = c.steps
        .map(
          (st) =>
            `<tr><td>${esc(st.title)}</td><td><code>${esc(JSON.stringify(st.request))}</code></td>` +
            `<td>${esc(st.coapCode ?? st.status)}</td><td>${st.contentFormat ?? ''}</td>` +
            `<td><code>${esc(payloadView(st.payload))}</code>${st.error ? `<br>${esc(st.error)}` : ''}</td>` +
            `<td>${st.durationMs} ms</td></tr>`,
        )
        .join('');
      return (
        `<section class="case ${c.verdict.toLowerCase()}"><h3>${esc(c.verdict)} · ${esc(c.id)} ${esc(c.title)}</h3>` +
        `<p><b>Clause:</b> ${esc(c.clause)}${c.safe ? '' : ' · <i>changes the device (full suite)</i>'}</p>` +
        `<p><b>Pass criteria:</b> ${esc(c.passCriteria)}</p><p><b>Result:</b> ${esc(c.message)}</p>` +
        (steps
          ? `<table><tr><th>Step</th><th>Request</th><th>Answer</th><th>Format</th><th>Payload</th><th>Time</th></tr>${steps}</table>`
          : '') +
        `</section>`
      );
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>LwM2M/uCIFI conformance report ${esc(r.endpoint)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}
.pass h3{color:#176117}.fail h3{color:#a01010}.not_applicable h3,.skipped h3{color:#666}code{white-space:pre-wrap;word-break:break-all}</style></head>
<body><h1>LwM2M / uCIFI conformance report</h1>
<table>
<tr><th>Device</th><td>${esc(r.endpoint)}</td></tr>
<tr><th>Vendor / model</th><td>${esc(r.vendor ?? '?')} ${esc(r.model ?? '?')} (firmware ${esc(r.firmware ?? '?')})</td></tr>
<tr><th>LwM2M version</th><td>${esc(r.lwm2mVersion ?? '?')}</td></tr>
<tr><th>Objects</th><td>${esc(r.objects)}</td></tr>
<tr><th>Suite</th><td>${r.fullSuite ? 'full' : 'safe (non-disturbing) cases only'}</td></tr>
<tr><th>Run</th><td>${esc(r.runId)} · ${esc(r.status)} · ${esc(r.startedAt)} – ${esc(r.finishedAt ?? '')}</td></tr>
<tr><th>Result</th><td>${s.passed}/${s.applicable} passed · ${s.failed} failed · ${s.notApplicable} not applicable · ${s.skipped} skipped</td></tr>
</table>
<p>${esc(summaryLine(r))}</p>
${rows}
</body></html>
`;
}
