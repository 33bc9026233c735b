/**
 * Interoperability lab (issue 23) on the real stack: GraphQL startConformanceRun (Keycloak token of the demo
 * operator) -> gateway runner -> device commands through lwm2m.downlink.v1 -> two ingest instances -> simulated
 * streetlight controllers over UDP -> results -> conformance_runs -> GraphQL report. A conforming controller
 * passes every applicable safe case; each deliberately defective one fails exactly the case its defect breaks.
 */
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UdpTransport, udpPeer } from '@smartcity/coap';
import { type Lwm2mClient } from '@smartcity/lwm2m-client';
import { tokenOf } from '../../../apps/gateway/test/support/keycloak-tokens';
import {
  CONFORMANCE_PROFILES,
  type ConformanceProfile,
  labDevice,
} from '../../../apps/simulator/src/devices/conformance-profiles';
import { CommandsWorld, eventually, gql, models } from '../support/commands-world';

jest.setTimeout(300_000);

interface StepView {
  title: string;
  status: string;
  coapCode: string | null;
  contentFormat: number | null;
  payloadText: string | null;
  durationMs: number;
}
interface CaseView {
  caseId: string;
  title: string;
  verdict: string;
  message: string;
  steps: StepView[];
}
interface RunView {
  id: string;
  status: string;
  vendor: string | null;
  model: string | null;
  passed: number;
  failed: number;
  applicable: number;
  summary: string;
  error: string | null;
  cases: CaseView[];
}

const RUN_FIELDS = `id status vendor model passed failed applicable summary error
  cases { caseId title verdict message steps { title status coapCode contentFormat payloadText durationMs } }`;

describe('conformance runs against simulated vendor devices', () => {
  const world = new CommandsWorld();
  const clients: Lwm2mClient[] = [];
  let operator: string;
  const runs = new Map<string, RunView>();
  const devices = new Map<string, { id: string; endpoint: string }>();

  const start = (deviceId: string, extra = '') =>
    gql<{ startConformanceRun: RunView }>(
      world.gatewayUrl,
      operator,
      `mutation($d: ID!) { startConformanceRun(deviceId: $d${extra}) { id status } }`,
      { d: deviceId },
    );

  const run = async (id: string) =>
    (
      await gql<{ conformanceRun: RunView | null }>(
        world.gatewayUrl,
        operator,
        `query($id: ID!) { conformanceRun(id: $id) { ${RUN_FIELDS} } }`,
        { id },
      )
    ).data?.conformanceRun ?? null;

  beforeAll(async () => {
    await world.start({ responseTimeoutMs: 4000, awakeWindowS: 1, decoder: true });
    operator = await tokenOf('lyon-operator');
    // One device per lab profile, alternately on both ingest instances, all runs at once.
    await Promise.all(
      CONFORMANCE_PROFILES.map(async (profile: ConformanceProfile, i) => {
        const kind = profile.quirk ?? 'conforming';
        const [device] = await world.provision(1, {
          kind,
          objects: {
            '1': '1.1',
            ...Object.fromEntries(Object.entries(profile.objects).map(([k, v]) => [k, v])),
          },
        });
        devices.set(kind, device!);
        const { client } = labDevice(profile, {
          endpoint: device!.endpoint,
          server: udpPeer('127.0.0.1', world.ingests[i % 2]!.coapPort),
          transport: new UdpTransport({ host: '127.0.0.1' }),
          models,
        });
        clients.push(client);
        await client.register();
      }),
    );
    await Promise.all(
      [...devices.entries()].map(async ([kind, device]) => {
        const started = await start(device.id);
        expect(started.errors).toEqual([]);
        expect(started.data?.startConformanceRun.status).toBe('RUNNING');
        const done = await eventually(
          () => run(started.data!.startConformanceRun.id),
          (r) => !!r && r.status !== 'RUNNING',
          240_000,
          500,
        );
        runs.set(kind, done!);
      }),
    );
  });

  afterAll(async () => {
    for (const c of clients) await c.stop({ deregister: false }).catch(() => undefined);
    await world.cleanup();
  });

  const failures = (r: RunView | undefined) =>
    (r?.cases ?? []).filter((c) => c.verdict === 'FAIL').map((c) => `${c.caseId}: ${c.message}`);

  it('passes a conforming controller on every applicable safe case, with its identity read from /3/0', () => {
    const r = runs.get('conforming');
    expect(r?.status).toBe('COMPLETED');
    expect(failures(r)).toEqual([]);
    expect(r).toMatchObject({ vendor: 'Lumicity', model: 'LC-700', failed: 0 });
    const verdict = (id: string) => r?.cases.find((c) => c.caseId === id)?.verdict;
    // Applicable: registration, reads in the announced formats, writes back, 4.05 refusals, discover with
    // attributes, composite, observe and cancel, and the uCIFI profile of the lamp controller.
    for (const id of [
      '101',
      '103',
      '201',
      '203',
      '205',
      '206',
      '207',
      '208',
      '210',
      '211',
      '212',
      '213',
      '217',
      '218',
      '219',
      '220',
      '301',
      '302',
      '303',
      '304',
      '305',
      '501/3416',
      '502/3416',
      '503/3416',
    ]) {
      expect([id, verdict(id)]).toEqual([id, 'PASS']);
    }
    // Disturbing cases are skipped without fullSuite; LwM2M JSON (not announced) and queue mode do not apply.
    expect([verdict('214'), verdict('215'), verdict('209'), verdict('105')]).toEqual([
      'SKIPPED',
      'SKIPPED',
      'NOT_APPLICABLE',
      'NOT_APPLICABLE',
    ]);
    expect(r!.passed).toBe(r!.applicable);
    expect(r!.summary).toMatch(/^Lumicity LC-700 \(.*3416 v2\.0.*\): (\d+)\/\1, no failure$/);
  });

  it.each(CONFORMANCE_PROFILES.filter((p) => p.quirk !== null).map((p) => [p.quirk, p.expectedFailure]))(
    'catches the %s defect with exactly case %s failing',
    (quirk, expected) => {
      const r = runs.get(quirk as string);
      expect(r?.status).toBe('COMPLETED');
      expect(r?.cases.filter((c) => c.verdict === 'FAIL').map((c) => c.caseId)).toEqual([expected]);
      expect(r?.vendor).toBe('Cheaplux');
    },
  );

  it('shows what the device answered: SenML JSON under Content-Format 112, the string-typed resource', () => {
    const cf = runs.get('wrong-content-format')?.cases.find((c) => c.caseId === '207');
    expect(cf?.message).toContain('does not decode as Content-Format 112');
    expect(cf?.steps[0]).toMatchObject({ status: 'completed', coapCode: '2.05', contentFormat: 112 });
    expect(cf?.steps[0]?.payloadText).toMatch(/^\[\{"bn":"\/3\/0\/"/);
    expect(runs.get('wrong-type')?.cases.find((c) => c.caseId === '502/3416')?.message).toBe(
      '/3416/0/3 "Dimming level" is string, the DDF says integer',
    );
    expect(runs.get('missing-mandatory-resource')?.cases.find((c) => c.caseId === '501/3416')?.message).toBe(
      'mandatory resource(s) missing: 3 "Dimming level"',
    );
    const cancel = runs.get('no-observe-cancel')?.cases.find((c) => c.caseId === '302');
    expect(cancel?.steps.map((s) => s.coapCode)).toEqual(['2.05', '4.05']);
  });

  it('summarizes per vendor and model, lists runs of a device, renders the HTML report', async () => {
    const summary = await gql<{
      conformanceSummary: { vendor: string; model: string; failedCases: string[]; summary: string }[];
    }>(world.gatewayUrl, operator, `{ conformanceSummary { vendor model failedCases summary } }`);
    expect(summary.errors).toEqual([]);
    const cx = summary.data!.conformanceSummary.find((s) => s.model === 'CX-CF');
    expect(cx?.failedCases).toEqual(['207 Read /3/0 in SenML CBOR']);
    expect(cx?.summary).toMatch(/^Cheaplux CX-CF \(.*\): \d+\/\d+, fails 207 Read \/3\/0 in SenML CBOR$/);

    const device = devices.get('wrong-type')!;
    const list = await gql<{
      conformanceRuns: { id: string; reportHtml: string; report: { cases: unknown[] } }[];
    }>(
      world.gatewayUrl,
      operator,
      `query($d: ID!) { conformanceRuns(deviceId: $d) { id reportHtml report } }`,
      { d: device.id },
    );
    expect(list.errors).toEqual([]);
    expect(list.data!.conformanceRuns.map((r) => r.id)).toEqual([runs.get('wrong-type')!.id]);
    const html = list.data!.conformanceRuns[0]!.reportHtml;
    expect(html).toContain('<!DOCTYPE html>');
    expect(html).toContain('FAIL · 502/3416');
    expect(list.data!.conformanceRuns[0]!.report.cases.length).toBe(runs.get('wrong-type')!.cases.length);
  });

  it('refuses without confirmation the full suite on a lamp controller or any run in a lighting program, and viewers', async () => {
    const device = devices.get('conforming')!;
    const refused = await start(device.id, ', fullSuite: true');
    expect(refused.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors[0]?.message).toContain('confirmLighting');
    // A lamp in a lighting program (issue 19): no run at all without confirmation.
    const { rows } = await world.owner.query<{ id: string }>(
      `INSERT INTO lighting_programs (tenant_id, name, definition, created_by)
       VALUES ('lyon', $1, '{"schedules": []}', 'test') RETURNING id`,
      [`conformance-${world.run}`],
    );
    try {
      await world.owner.query(
        'INSERT INTO lighting_assignments (tenant_id, device_id, program_id) VALUES ($1, $2, $3)',
        ['lyon', device.id, rows[0]!.id],
      );
      const inProgram = await start(device.id);
      expect(inProgram.errors[0]?.message).toBe(
        `the device runs the lighting program "conformance-${world.run}": confirm with confirmLighting: true`,
      );
    } finally {
      await world.owner.query('DELETE FROM lighting_programs WHERE id = $1', [rows[0]!.id]);
    }
    // A run left RUNNING by a gateway that died long ago does not block the device for ever.
    await world.owner.query(
      `INSERT INTO conformance_runs (tenant_id, device_id, endpoint, started_by, started_at)
       VALUES ('lyon', $1, $2, 'test', now() - interval '7 hours')`,
      [device.id, device.endpoint],
    );
    const again = await start(device.id);
    expect(again.errors).toEqual([]);
    const abandoned = await world.owner.query<{ status: string; error: string }>(
      `SELECT status, error FROM conformance_runs WHERE device_id = $1 AND started_by = 'test'`,
      [device.id],
    );
    expect(abandoned.rows).toEqual([
      { status: 'FAILED', error: 'abandoned: the gateway running it stopped before it finished' },
    ]);
    const busy = await start(device.id);
    expect(busy.errors[0]?.message).toBe('a conformance run of this device is in progress');
    await eventually(
      () => run(again.data!.startConformanceRun.id),
      (x) => !!x && x.status !== 'RUNNING',
      240_000,
      500,
    );
    const viewer = await tokenOf('lyon-viewer');
    const forbidden = await gql(
      world.gatewayUrl,
      viewer,
      `mutation($d: ID!) { startConformanceRun(deviceId: $d) { id } }`,
      { d: device.id },
    );
    expect(forbidden.errors[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('prints the report with the CLI (conformance run <endpoint> --out report.html) and the vendor summary', async () => {
    const root = join(__dirname, '..', '..', '..');
    const out = join(tmpdir(), `conformance-${world.run}.html`);
    const env = { ...process.env, GATEWAY_URL: `${world.gatewayUrl}/graphql` };
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['-r', './tools/register.js', 'apps/cli/src/main.ts', ...args], {
        cwd: root,
        env,
      });
    try {
      const { stdout } = await cli('conformance', 'run', devices.get('conforming')!.endpoint, '--out', out);
      expect(stdout).toMatch(/Result: Lumicity LC-700 \(.*\): (\d+)\/\1, no failure/);
      expect(stdout).toContain('PASS           207       Read /3/0 in SenML CBOR');
      expect(await readFile(out, 'utf8')).toContain('<h1>LwM2M / uCIFI conformance report</h1>');
      // A failing device: exit code 1, the failed case and what the device answered.
      const failing = await cli('conformance', 'run', devices.get('no-observe-cancel')!.endpoint).catch(
        (err: { code: number; stdout: string }) => err,
      );
      expect('code' in failing && failing.code).toBe(1);
      expect(failing.stdout).toMatch(/FAIL\s+302\s+Cancel an observation with Observe=1/);
      expect(failing.stdout).toContain('expected 2.05, the device answered 4.05');
      const summary = await cli('conformance', 'summary');
      expect(summary.stdout).toContain('Cheaplux CX-OC');
      expect(summary.stdout).toMatch(/Lumicity LC-700 .*no failure {2}\(3 run\(s\), 1 device\(s\)\)/);
    } finally {
      await rm(out, { force: true });
    }
  });

  it('runs the full suite on a confirmed lamp controller: reboot, disable, create/delete, lifetime', async () => {
    const [device] = await world.provision(1, {
      kind: 'conforming-full',
      objects: { '1': '1.1', ...CONFORMANCE_PROFILES[0]!.objects },
    });
    const { client } = labDevice(CONFORMANCE_PROFILES[0]!, {
      endpoint: device!.endpoint,
      server: udpPeer('127.0.0.1', world.ingests[0]!.coapPort),
      transport: new UdpTransport({ host: '127.0.0.1' }),
      models,
    });
    clients.push(client);
    await client.register();
    const started = await start(device!.id, ', fullSuite: true, confirmLighting: true');
    expect(started.errors).toEqual([]);
    const r = await eventually(
      () => run(started.data!.startConformanceRun.id),
      (x) => !!x && x.status !== 'RUNNING',
      240_000,
      500,
    );
    expect(r?.status).toBe('COMPLETED');
    const verdict = (id: string) => r?.cases.find((c) => c.caseId === id)?.verdict;
    expect(['104', '214', '215', '216'].map((id) => [id, verdict(id)])).toEqual([
      ['104', 'PASS'],
      ['214', 'PASS'],
      ['215', 'PASS'],
      ['216', 'PASS'],
    ]);
    expect(r?.cases.some((c) => c.verdict === 'SKIPPED')).toBe(false);
    // Found by the lab: libs/lwm2m/client keeps the lifetime it was built with, so the Update it sends after a
    // Lifetime write carries no lt (Core 1.1.1 §6.2.2).
    expect(failures(r ?? undefined)).toEqual([
      expect.stringMatching(/^102: the Update left the registration's lifetime at 300 s/),
    ]);
  });
});
