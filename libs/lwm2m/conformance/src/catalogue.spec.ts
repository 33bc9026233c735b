import { encode } from '@smartcity/lwm2m-codec';
import {
  type Lwm2mRecord,
  Lwm2mPath,
  objectModel,
  type ObjectModel,
  staticModelProvider,
} from '@smartcity/lwm2m-core';
import { catalogueFor, evaluateCase, planRun } from './catalogue';
import { deviceUnderTest } from './device-under-test';
import { type DeviceUnderTest, type StepOutcome } from './model';
import { renderHtml, renderText, summarize, summaryLine, type CaseResult } from './report';

const SERVER = objectModel(1, 'LwM2M Server', '1.1', true, [
  [0, 'Short Server ID', 'R', false, true, 'integer'],
  [1, 'Lifetime', 'RW', false, true, 'integer', 's'],
  [6, 'Notification Storing', 'RW', false, true, 'boolean'],
  [8, 'Registration Update Trigger', 'E', false, true, 'none'],
]);
const DEVICE = objectModel(3, 'Device', '1.1', false, [
  [0, 'Manufacturer', 'R', false, false, 'string'],
  [4, 'Reboot', 'E', false, true, 'none'],
  [11, 'Error Code', 'R', true, true, 'integer'],
  [16, 'Supported Binding and Modes', 'R', false, true, 'string'],
]);
const base = objectModel(3416, 'Outdoor lamp controller', '2.0', true, [
  [1, 'Command', 'RW', false, true, 'integer', '/100'],
  [3, 'Dimming level', 'R', false, true, 'integer', '/100'],
  [5, 'Lamp failure', 'R', false, false, 'boolean'],
]);
// The DDF's RangeEnumeration of 3416/3 (0..100).
const LAMP: ObjectModel = {
  ...base,
  resources: new Map(
    [...base.resources].map(([id, r]) => [id, id === 3 ? { ...r, rangeEnumeration: '0..100' } : r]),
  ),
};
const models = staticModelProvider([SERVER, DEVICE, LAMP]);

const device: DeviceUnderTest = deviceUnderTest(
  {
    endpoint: 'lamp-1',
    lwm2mVersion: '1.1',
    binding: 'U',
    lifetime: 300,
    queueMode: false,
    links: '</>;rt="oma.lwm2m";ct="110 112 11542",</1/0>,</3/0>,</3416>;ver=2.0,</3416/0>,</3416/3>',
  },
  () => models,
);

const caseById = (id: string) => {
  const c = catalogueFor(device).find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
};

function outcome(partial: Partial<StepOutcome> & { payload?: Uint8Array | null }): StepOutcome {
  return {
    title: 'step',
    request: {},
    status: 'completed',
    coapCode: '2.05',
    contentFormat: null,
    payload: null,
    error: null,
    startedAt: 0,
    durationMs: 3,
    ...partial,
  };
}

const rec = (path: string, type: Lwm2mRecord['type'], value: unknown): Lwm2mRecord =>
  ({ path: Lwm2mPath.parse(path), type, value }) as Lwm2mRecord;

const DEVICE_RECORDS = [rec('/3/0/0', 'string', 'Lumicity'), rec('/3/0/16', 'string', 'U')];
const encoded = (records: Lwm2mRecord[], cf: number, path: string, typed = models) =>
  encode(records, cf, { path: Lwm2mPath.parse(path), models: typed });

describe('the device under test', () => {
  it('comes from the registration links: objects, versions, instances, content formats', () => {
    expect(device.contentFormats).toEqual([110, 112, 11542]);
    expect(device.objects).toEqual([
      { id: 1, version: '1.1', instances: [0] },
      { id: 3, version: '1.1', instances: [0] },
      { id: 3416, version: '2.0', instances: [0, 3] },
    ]);
  });
});

describe('planRun', () => {
  const plan = planRun(device, { fullSuite: false });
  const kind = (id: string) => plan.find((p) => p.case.id === id)?.kind;

  it('runs the safe cases, skips the disturbing ones unless the full suite is asked for', () => {
    for (const id of ['101', '103', '201', '210', '212', '218', '219', '301', '302', '501/3416']) {
      expect([id, kind(id)]).toEqual([id, 'run']);
    }
    for (const id of ['102', '104', '214', '215', '216']) expect([id, kind(id)]).toEqual([id, 'skipped']);
    const full = planRun(device, { fullSuite: true });
    expect(full.find((p) => p.case.id === '214')?.kind).toBe('run');
  });

  it('makes a Read per announced content format applicable, the others not applicable', () => {
    expect(kind('205')).toBe('run'); // TLV announced
    expect(kind('206')).toBe('run');
    expect(kind('207')).toBe('run');
    expect(kind('208')).toBe('not-applicable'); // LwM2M CBOR not announced
    expect(kind('105')).toBe('not-applicable'); // not in queue mode
  });

  it('profiles each declared object with a DDF, not the Security object', () => {
    const ids = plan.map((p) => p.case.id).filter((id) => id.startsWith('5'));
    expect(ids).toEqual([
      '501/1',
      '502/1',
      '503/1',
      '501/3',
      '502/3',
      '503/3',
      '501/3416',
      '502/3416',
      '503/3416',
    ]);
  });

  it('creates a new instance above the highest announced one, with the mandatory writable resources', () => {
    const steps = planRun(device, { fullSuite: true }).find((p) => p.case.id === '215');
    expect(steps?.kind === 'run' && steps.steps[0]?.request).toEqual({
      op: 'create',
      objectId: 3416,
      instanceId: 4,
      values: { '1': 0 },
    });
  });

  it('treats a 1.0 device: TLV applicable, composite operations not', () => {
    const old = deviceUnderTest(
      {
        endpoint: 'old',
        lwm2mVersion: '1.0',
        binding: 'U',
        lifetime: 60,
        queueMode: false,
        links: '</1/0>,</3/0>',
      },
      () => models,
    );
    const p = planRun(old, { fullSuite: false });
    const k = (id: string) => p.find((x) => x.case.id === id)?.kind;
    expect([k('205'), k('206'), k('219'), k('303'), k('204')]).toEqual([
      'run',
      'not-applicable',
      'not-applicable',
      'not-applicable',
      'not-applicable',
    ]);
  });
});

describe('evaluation', () => {
  it('207 SenML CBOR Read: passes on a CBOR payload, fails when the device answers in another format', () => {
    const c = caseById('207');
    const good = outcome({ contentFormat: 112, payload: encoded(DEVICE_RECORDS, 112, '/3/0') });
    expect(evaluateCase(c, [good], device).verdict).toBe('PASS');
    const json = outcome({ contentFormat: 110, payload: encoded(DEVICE_RECORDS, 110, '/3/0') });
    expect(evaluateCase(c, [json], device)).toEqual({
      verdict: 'FAIL',
      message: expect.stringContaining('Content-Format 110, requested 112'),
    });
    const mislabelled = outcome({ contentFormat: 112, payload: encoded(DEVICE_RECORDS, 110, '/3/0') });
    expect(evaluateCase(c, [mislabelled], device)).toEqual({
      verdict: 'FAIL',
      message: expect.stringContaining('does not decode as Content-Format 112'),
    });
    const refused = outcome({ coapCode: '4.06' });
    expect(evaluateCase(c, [refused], device).message).toContain('the device answered 4.06');
  });

  it('104 Disable does not apply without a writable Disable Timeout, and the runner does not disable', () => {
    const c = caseById('104');
    expect(c.steps(device).map((st) => st.onlyIf)).toEqual([
      undefined,
      { step: 0, code: '2.04' },
      { step: 1, code: '2.04' },
    ]);
    const absent = [outcome({ coapCode: '4.04' }), outcome({ status: 'not-sent', coapCode: null })];
    expect(evaluateCase(c, absent, device)).toEqual({
      verdict: 'NOT_APPLICABLE',
      message: 'no writable Disable Timeout (/1/0/5 answered 4.04): Disable not executed',
    });
    const ok = [outcome({ coapCode: '2.04' }), outcome({ coapCode: '2.04' }), outcome({ coapCode: null })];
    expect(evaluateCase(c, ok, device).verdict).toBe('PASS');
  });

  it('102 needs the new lifetime in the registration after the Update', () => {
    const c = caseById('102');
    const reg = (lifetime: number) =>
      outcome({ coapCode: null, payload: Buffer.from(JSON.stringify({ lifetime })) });
    const written = outcome({ coapCode: '2.04' });
    expect(evaluateCase(c, [written, reg(360), written], device).verdict).toBe('PASS');
    expect(evaluateCase(c, [written, reg(300), written], device).message).toContain(
      'lifetime at 300 s, not 360 s',
    );
  });

  it('305 checks the notification timing against pmin/pmax', () => {
    const c = caseById('305');
    const observe = outcome({ startedAt: 10_000, durationMs: 0, coapCode: '2.05' });
    const notified = (...t: number[]) => outcome({ coapCode: null, payload: Buffer.from(JSON.stringify(t)) });
    const ok = (n: StepOutcome) => [
      outcome({ coapCode: '2.04' }),
      observe,
      n,
      outcome({}),
      outcome({ coapCode: '2.04' }),
    ];
    expect(evaluateCase(c, ok(notified(14_000, 18_000, 22_000)), device)).toEqual({
      verdict: 'PASS',
      message: '3 notifications, gaps 4.0, 4.0, 4.0 s',
    });
    expect(evaluateCase(c, ok(notified(14_000)), device).message).toBe(
      '1 notification(s) in 11 s, expected at least 2 (pmax 4 s)',
    );
    expect(evaluateCase(c, ok(notified(14_000, 14_500)), device).message).toBe(
      'notifications 0.5 s apart, less than pmin 2 s',
    );
    expect(evaluateCase(c, ok(notified(14_000, 21_000)), device).message).toBe(
      'notifications 7.0 s apart, more than pmax 4 s',
    );
  });

  it('212 Write to a read-only resource expects 4.05', () => {
    const c = caseById('212');
    const read = outcome({});
    expect(evaluateCase(c, [read, outcome({ coapCode: '4.05' })], device).verdict).toBe('PASS');
    expect(evaluateCase(c, [read, outcome({ coapCode: '2.04' })], device)).toEqual({
      verdict: 'FAIL',
      message: expect.stringContaining('expected 4.05, the device answered 2.04'),
    });
  });

  it('302 fails when the cancel is refused or times out', () => {
    const c = caseById('302');
    expect(evaluateCase(c, [outcome({}), outcome({})], device).verdict).toBe('PASS');
    expect(evaluateCase(c, [outcome({}), outcome({ coapCode: '4.05' })], device).verdict).toBe('FAIL');
    expect(
      evaluateCase(
        c,
        [outcome({}), outcome({ status: 'timeout', coapCode: null, error: 'no response' })],
        device,
      ).message,
    ).toContain('timeout (no response)');
  });

  it('218 checks that Discover shows the written attributes', () => {
    const c = caseById('218');
    const discover = (text: string) => outcome({ contentFormat: 40, payload: Buffer.from(text) });
    const ok = [
      outcome({ coapCode: '2.04' }),
      discover('</1/0>,</1/0/1>;pmin=7;pmax=70,</1/0/6>'),
      outcome({ coapCode: '2.04' }),
    ];
    expect(evaluateCase(c, ok, device).verdict).toBe('PASS');
    const lost = [
      outcome({ coapCode: '2.04' }),
      discover('</1/0>,</1/0/1>,</1/0/6>'),
      outcome({ coapCode: '2.04' }),
    ];
    expect(evaluateCase(c, lost, device).verdict).toBe('FAIL');
  });

  describe('object profile 3416 v2.0', () => {
    const read = (records: Lwm2mRecord[]) =>
      outcome({ contentFormat: 110, payload: encoded(records, 110, '/3416/0') });
    const conforming = [
      rec('/3416/0/1', 'integer', 80),
      rec('/3416/0/3', 'integer', 80),
      rec('/3416/0/5', 'boolean', false),
    ];

    it('passes a conforming instance', () => {
      for (const id of ['501/3416', '502/3416', '503/3416']) {
        expect([id, evaluateCase(caseById(id), [read(conforming)], device).verdict]).toEqual([id, 'PASS']);
      }
      expect(evaluateCase(caseById('502/3416'), [read(conforming)], device).message).toContain(
        'units per DDF: 1 /100',
      );
    });

    it('501 fails on a missing mandatory resource, and only 501', () => {
      const missing = conforming.filter((r) => r.path.resourceId !== 3);
      expect(evaluateCase(caseById('501/3416'), [read(missing)], device)).toEqual({
        verdict: 'FAIL',
        message: 'mandatory resource(s) missing: 3 "Dimming level"',
      });
      expect(evaluateCase(caseById('502/3416'), [read(missing)], device).verdict).toBe('PASS');
    });

    it('502 fails on a value of the wrong type (a string for an integer)', () => {
      // The firmware believes 3/Dimming level is a string: SenML JSON "vs".
      const payload = Buffer.from(
        JSON.stringify([
          { bn: '/3416/0/', n: '1', v: 80 },
          { n: '3', vs: '80' },
          { n: '5', vb: false },
        ]),
      );
      const o = outcome({ contentFormat: 110, payload });
      expect(evaluateCase(caseById('502/3416'), [o], device)).toEqual({
        verdict: 'FAIL',
        message: '/3416/0/3 "Dimming level" is string, the DDF says integer',
      });
      expect(evaluateCase(caseById('501/3416'), [o], device).verdict).toBe('PASS');
    });

    it('503 fails on a value outside its range', () => {
      const high = conforming.map((r) => (r.path.resourceId === 3 ? rec('/3416/0/3', 'integer', 130) : r));
      expect(evaluateCase(caseById('503/3416'), [read(high)], device).message).toBe(
        '/3416/0/3 "Dimming level" = 130, range 0..100',
      );
    });
  });
});

describe('reports', () => {
  const cases: CaseResult[] = [
    {
      id: '207',
      title: 'Read /3/0 in SenML CBOR',
      group: 'device-management',
      clause: 'Core 1.1.1 §6.3.1',
      safe: true,
      passCriteria: 'x',
      verdict: 'FAIL',
      message: 'Content-Format 110, requested 112 <b>',
      steps: [
        {
          title: 'Read /3/0',
          request: { op: 'read', path: '/3/0', accept: 112 },
          status: 'completed',
          coapCode: '2.05',
          contentFormat: 110,
          payload: Buffer.from('[{"n":"0"}]').toString('base64'),
          error: null,
          startedAt: '2026-12-06T21:00:00.000Z',
          durationMs: 12,
        },
      ],
    },
    {
      ...({} as CaseResult),
      id: '201',
      title: 'Read',
      verdict: 'PASS',
      steps: [],
      message: 'ok',
      clause: 'c',
      passCriteria: 'p',
      safe: true,
    },
    {
      ...({} as CaseResult),
      id: '208',
      title: 'LwM2M CBOR',
      verdict: 'NOT_APPLICABLE',
      steps: [],
      message: 'n/a',
      clause: 'c',
      passCriteria: 'p',
      safe: true,
    },
  ];
  const report = {
    runId: 'run-1',
    endpoint: 'lamp-1',
    vendor: 'Lumicity',
    model: 'LC-700',
    firmware: '3.2.1',
    lwm2mVersion: '1.1',
    objects: '3416 v2.0',
    fullSuite: false,
    status: 'COMPLETED',
    startedAt: '2026-12-06T21:00:00.000Z',
    finishedAt: '2026-12-06T21:00:10.000Z',
    summary: summarize(cases),
    cases,
  };

  it('summarizes per vendor and model', () => {
    expect(report.summary).toEqual({ passed: 1, failed: 1, notApplicable: 1, skipped: 0, applicable: 2 });
    expect(summaryLine(report)).toBe('Lumicity LC-700 (3416 v2.0): 1/2, fails 207 Read /3/0 in SenML CBOR');
  });

  it('renders HTML with the evidence, escaped, and a text report', () => {
    const html = renderHtml(report);
    expect(html).toContain('<!DOCTYPE html>');
    expect(html).toContain('FAIL · 207 Read /3/0 in SenML CBOR');
    expect(html).toContain('requested 112 &lt;b&gt;');
    expect(html).toContain('[{&quot;n&quot;:&quot;0&quot;}]');
    expect(renderText(report)).toContain('1 passed, 1 failed, 1 not applicable, 0 skipped');
  });
});
