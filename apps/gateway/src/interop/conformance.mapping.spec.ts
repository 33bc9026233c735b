import { encode } from '@smartcity/lwm2m-codec';
import { type CaseResult, type StepOutcome } from '@smartcity/lwm2m-conformance';
import { Lwm2mPath, objectModel, staticModelProvider } from '@smartcity/lwm2m-core';
import { resolveValue } from './conformance-steps';
import { toRun, vendorSummaries } from './conformance.mapping';
import { type ConformanceRunRow } from './conformance.repository';

const kase = (id: string, verdict: CaseResult['verdict'], title = `case ${id}`): CaseResult => ({
  id,
  title,
  group: 'device-management',
  clause: 'Core 1.1.1 §6.3.1',
  safe: true,
  passCriteria: 'p',
  verdict,
  message: verdict,
  steps: [],
});

const run = (
  id: string,
  deviceId: string,
  startedAt: string,
  cases: CaseResult[],
  over: Partial<ConformanceRunRow> = {},
) =>
  ({
    id,
    tenantId: 'lyon',
    deviceId,
    endpoint: `ep-${deviceId}`,
    status: 'COMPLETED',
    fullSuite: false,
    startedBy: 'lyon-operator',
    vendor: 'Lumicity',
    model: 'LC-700',
    firmware: '3.2.1',
    lwm2mVersion: '1.1',
    objects: '1 v1.1, 3 v1.1, 3416 v2.0',
    passed: cases.filter((c) => c.verdict === 'PASS').length,
    failed: cases.filter((c) => c.verdict === 'FAIL').length,
    notApplicable: cases.filter((c) => c.verdict === 'NOT_APPLICABLE').length,
    skipped: 0,
    cases,
    error: null,
    startedAt: new Date(startedAt),
    finishedAt: new Date(startedAt),
    ...over,
  }) as ConformanceRunRow;

describe('vendorSummaries', () => {
  it('groups completed runs by vendor, model and object versions: latest score, failures of any run', () => {
    const rows = [
      run('r1', 'd1', '2026-12-01T00:00:00Z', [
        kase('201', 'PASS'),
        kase('207', 'FAIL', 'Read /3/0 in SenML CBOR'),
      ]),
      run('r2', 'd2', '2026-12-02T00:00:00Z', [
        kase('201', 'PASS'),
        kase('207', 'PASS'),
        kase('208', 'NOT_APPLICABLE'),
      ]),
      run('r3', 'd3', '2026-12-03T00:00:00Z', [kase('201', 'FAIL')], { vendor: 'Photon', model: 'PL-120' }),
      run('r4', 'd1', '2026-12-04T00:00:00Z', [kase('201', 'PASS')], { status: 'RUNNING' }),
    ];
    expect(vendorSummaries(rows)).toEqual([
      {
        vendor: 'Lumicity',
        model: 'LC-700',
        objects: '1 v1.1, 3 v1.1, 3416 v2.0',
        runs: 2,
        devices: 2,
        latestRunId: 'r2',
        passed: 2,
        applicable: 2,
        failedCases: ['207 Read /3/0 in SenML CBOR'],
        summary: 'Lumicity LC-700 (1 v1.1, 3 v1.1, 3416 v2.0): 2/2, fails 207 Read /3/0 in SenML CBOR',
      },
      expect.objectContaining({
        vendor: 'Photon',
        runs: 1,
        passed: 0,
        applicable: 1,
        failedCases: ['201 case 201'],
      }),
    ]);
  });

  it('maps a run for GraphQL with its summary line and printable payloads', () => {
    const withStep = kase('201', 'PASS');
    const r = toRun(
      run('r1', 'd1', '2026-12-01T00:00:00Z', [
        {
          ...withStep,
          steps: [
            {
              title: 'Read /3/0',
              request: { op: 'read', path: '/3/0' },
              status: 'completed',
              coapCode: '2.05',
              contentFormat: 110,
              payload: Buffer.from('[{"n":"0","vs":"x"}]').toString('base64'),
              error: null,
              startedAt: '2026-12-01T00:00:00.000Z',
              durationMs: 4.6,
            },
          ],
        },
      ]),
    );
    expect(r.summary).toBe('Lumicity LC-700 (1 v1.1, 3 v1.1, 3416 v2.0): 1/1, no failure');
    expect(r.cases[0]?.steps[0]).toMatchObject({ payloadText: '[{"n":"0","vs":"x"}]', durationMs: 5 });
  });
});

describe('resolveValue', () => {
  const models = staticModelProvider([
    objectModel(1, 'LwM2M Server', '1.1', true, [[6, 'Notification Storing', 'RW', false, true, 'boolean']]),
  ]);
  const read: StepOutcome = {
    title: 'Read /1/0/6',
    request: { op: 'read', path: '/1/0/6' },
    status: 'completed',
    coapCode: '2.05',
    contentFormat: 0,
    payload: encode([{ path: Lwm2mPath.parse('/1/0/6'), type: 'boolean', value: true }], 0, {
      path: Lwm2mPath.parse('/1/0/6'),
      models,
    }),
    error: null,
    startedAt: 0,
    durationMs: 1,
  };

  it('writes back what an earlier step read, as a resource value or an instance partial update', () => {
    expect(resolveValue({ fromStep: 0, path: '/1/0/6' }, '/1/0/6', [read], models)).toBe(true);
    expect(resolveValue({ fromStep: 0, path: '/1/0/6' }, '/1/0', [read], models)).toEqual({ 6: true });
    expect(resolveValue({ literal: 360 }, '/1/0/1', [], models)).toBe(360);
  });

  it('refuses when the earlier read failed', () => {
    expect(() =>
      resolveValue({ fromStep: 0, path: '/1/0/6' }, '/1/0/6', [{ ...read, coapCode: '4.04' }], models),
    ).toThrow('read no value to write back');
  });
});
