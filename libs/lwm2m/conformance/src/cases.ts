import { ContentFormat } from '@smartcity/lwm2m-codec';
import { declared, isLwm2m11 } from './device-under-test';
import { expectCode, expectContent, fail, linksOf, pass, payloadText } from './evaluation';
import { type ConformanceCase, type DeviceUnderTest, type Step, type StepOutcome } from './model';

/*
 * Server-side test cases modelled on the OMA LwM2M Enabler Test Specification 1.1 (1xx registration, 2xx device
 * management, 3xx information reporting). The numbering is this platform's; the pass criteria come from the cited
 * clauses of LwM2M Core 1.1.1 (and RFC 7641 for Observe).
 */

const never = (): null => null;
const needs11 = (d: DeviceUnderTest): string | null =>
  isLwm2m11(d) ? null : `LwM2M ${d.lwm2mVersion} device (the operation exists since 1.1)`;
const readServer: Step = {
  title: 'Read /1/0/6 (value written back)',
  request: { op: 'read', path: '/1/0/6' },
};

function registrationCases(): ConformanceCase[] {
  return [
    {
      id: '101',
      title: 'Register: registration parameters and object links',
      group: 'registration',
      clause: 'Core 1.1.1 §6.2.1 (Register)',
      safe: true,
      passCriteria:
        'The live registration has an endpoint name, an LwM2M version 1.0-1.2, a lifetime > 0, a binding with U ' +
        '(UDP), and object links that include the LwM2M Server (1) and Device (3) objects.',
      notApplicable: never,
      steps: () => [{ title: 'Registration record', request: { op: 'registration' } }],
      evaluate: (_o, d) => {
        const problems: string[] = [];
        if (!d.endpoint) problems.push('no endpoint name');
        if (!['1.0', '1.1', '1.2'].includes(d.lwm2mVersion)) problems.push(`lwm2m=${d.lwm2mVersion}`);
        if (!(d.lifetime > 0)) problems.push(`lifetime ${d.lifetime}`);
        if (!d.binding.includes('U')) problems.push(`binding "${d.binding}" without U`);
        for (const id of [1, 3]) if (!declared(d, id)) problems.push(`object /${id} not announced`);
        return problems.length
          ? fail(problems.join('; '))
          : pass(
              `lwm2m ${d.lwm2mVersion}, lifetime ${d.lifetime} s, binding ${d.binding}, ` +
                `${d.objects.length} objects, content formats [${d.contentFormats.join(', ')}]`,
            );
      },
    },
    {
      id: '102',
      title: 'Update after a new Lifetime is written',
      group: 'registration',
      clause: 'Core 1.1.1 §6.2.2 (Update: sent when the Lifetime changes), §E.2 resource 1',
      safe: false,
      passCriteria:
        'Write /1/0/1 = lifetime + 60 answers 2.04 and the device sends an Update within 30 s that gives the ' +
        'server the new lifetime (lt); the original lifetime is written back (2.04).',
      notApplicable: never,
      steps: (d) => [
        {
          title: `Write /1/0/1 = ${d.lifetime + 60}`,
          request: { op: 'write', path: '/1/0/1', partial: false, value: { literal: d.lifetime + 60 } },
        },
        {
          title: 'Await the Update',
          request: { op: 'await-registration', kind: 'update', afterStep: 0, timeoutMs: 30_000 },
        },
        {
          title: `Write /1/0/1 = ${d.lifetime} (restore)`,
          request: { op: 'write', path: '/1/0/1', partial: false, value: { literal: d.lifetime } },
        },
      ],
      evaluate: (o, d) => {
        const bad =
          expectCode(o[0], '2.04') ?? (o[1]?.status === 'completed' ? null : 'no Update within 30 s');
        if (bad) return fail(bad);
        const lifetime = registeredLifetime(o[1]);
        if (lifetime !== d.lifetime + 60) {
          return fail(
            `the Update left the registration's lifetime at ${lifetime ?? '?'} s, not ${d.lifetime + 60} s (no lt)`,
          );
        }
        const restored = expectCode(o[2], '2.04');
        return restored ? fail(restored) : pass(`Update with lt=${lifetime} received`);
      },
    },
    {
      id: '103',
      title: 'Registration Update Trigger (Execute /1/0/8)',
      group: 'registration',
      clause: 'Core 1.1.1 §E.2 resource 8, §6.2.2 (Update)',
      safe: true,
      passCriteria: 'Execute /1/0/8 answers 2.04 and the device sends an Update within 15 s.',
      notApplicable: never,
      steps: () => [
        { title: 'Execute /1/0/8', request: { op: 'execute', path: '/1/0/8' } },
        {
          title: 'Await the Update',
          request: { op: 'await-registration', kind: 'update', afterStep: 0, timeoutMs: 15_000 },
        },
      ],
      evaluate: (o) => {
        const bad =
          expectCode(o[0], '2.04') ?? (o[1]?.status === 'completed' ? null : 'no Update within 15 s');
        return bad ? fail(bad) : pass('Update received after the trigger');
      },
    },
    {
      id: '104',
      title: 'Disable (Execute /1/0/4) and registration again after the Disable Timeout',
      group: 'registration',
      clause: 'Core 1.1.1 §E.2 resources 4 and 5, §6.2.3 (De-register)',
      safe: false,
      passCriteria:
        'Write /1/0/5 = 5 answers 2.04, Execute /1/0/4 answers 2.04, and the device registers again within 60 s. ' +
        'Without a writable Disable Timeout (optional resource) the case does not apply: the device would stay ' +
        'disabled for its default timeout (a day).',
      notApplicable: never,
      steps: () => [
        {
          title: 'Write /1/0/5 = 5 (Disable Timeout)',
          request: { op: 'write', path: '/1/0/5', partial: false, value: { literal: 5 } },
        },
        {
          title: 'Execute /1/0/4 (Disable)',
          request: { op: 'execute', path: '/1/0/4' },
          onlyIf: { step: 0, code: '2.04' },
        },
        {
          title: 'Await a new Register',
          request: { op: 'await-registration', kind: 'register', afterStep: 1, timeoutMs: 60_000 },
          onlyIf: { step: 1, code: '2.04' },
        },
      ],
      evaluate: (o) => {
        if (o[0]?.status === 'completed' && ['4.04', '4.05'].includes(o[0].coapCode ?? '')) {
          return {
            verdict: 'NOT_APPLICABLE',
            message: `no writable Disable Timeout (/1/0/5 answered ${o[0].coapCode}): Disable not executed`,
          };
        }
        const bad =
          expectCode(o[0], '2.04') ??
          expectCode(o[1], '2.04') ??
          (o[2]?.status === 'completed' ? null : 'the device did not register again within 60 s');
        return bad ? fail(bad) : pass('disabled, then registered again');
      },
    },
    {
      id: '105',
      title: 'Queue mode: a request waits for the device to wake up',
      group: 'registration',
      clause: 'Transport 1.1.1 §6.5 (Queue Mode), Core 1.1.1 §6.2.1 (binding Q / queue mode)',
      safe: true,
      passCriteria: 'A Read /3/0 sent while the device sleeps completes with 2.05 once it wakes.',
      notApplicable: (d) => (d.queueMode ? null : 'the device did not register in queue mode'),
      steps: () => [{ title: 'Read /3/0', request: { op: 'read', path: '/3/0' } }],
      evaluate: (o) => {
        const bad = expectCode(o[0], '2.05');
        return bad ? fail(bad) : pass('answered after waking up');
      },
    },
  ];
}

/** The lifetime in a registration step's record (the runner's registration view), if any. */
function registeredLifetime(o: StepOutcome | undefined): number | undefined {
  try {
    const r = JSON.parse(payloadText(o)) as { lifetime?: unknown };
    return typeof r.lifetime === 'number' ? r.lifetime : undefined;
  } catch {
    return undefined;
  }
}

/** Content formats a Read can be asked for (Core 1.1.1 §7.4) and the case id of each. */
const READ_FORMATS: readonly { id: string; cf: number; name: string }[] = [
  { id: '205', cf: ContentFormat.TLV, name: 'TLV' },
  { id: '206', cf: ContentFormat.SENML_JSON, name: 'SenML JSON' },
  { id: '207', cf: ContentFormat.SENML_CBOR, name: 'SenML CBOR' },
  { id: '208', cf: ContentFormat.LWM2M_CBOR, name: 'LwM2M CBOR' },
  { id: '209', cf: ContentFormat.JSON, name: 'LwM2M JSON' },
];

function readCase(
  id: string,
  title: string,
  path: string,
  clause: string,
  criteria: string,
  options: { accept?: number; notApplicable?: (d: DeviceUnderTest) => string | null } = {},
): ConformanceCase {
  return {
    id,
    title,
    group: 'device-management',
    clause,
    safe: true,
    passCriteria: criteria,
    notApplicable: options.notApplicable ?? never,
    steps: () => [
      {
        title: `Read ${path}${options.accept !== undefined ? ` (Accept ${options.accept})` : ''}`,
        request: { op: 'read', path, ...(options.accept !== undefined ? { accept: options.accept } : {}) },
      },
    ],
    evaluate: (o, d) => {
      const r = expectContent(o[0], path, d.models, options.accept);
      if ('failure' in r) return fail(r.failure);
      if (r.records.length === 0) return fail(`${path}: 2.05 without any value`);
      return pass(`${r.records.length} value(s) in Content-Format ${o[0]?.contentFormat}`);
    },
  };
}

function deviceManagementCases(): ConformanceCase[] {
  const formatCases = READ_FORMATS.map((f) =>
    readCase(
      f.id,
      `Read /3/0 in ${f.name}`,
      '/3/0',
      'Core 1.1.1 §6.3.1 (Read), §7.4 (data formats)',
      `Read /3/0 with Accept ${f.cf} answers 2.05 with Content-Format ${f.cf} and a payload that decodes.`,
      {
        accept: f.cf,
        notApplicable: (d) => {
          // TLV is the multi-value format every 1.0 client supports (Core 1.0 §6.4); a 1.1 client announces its
          // formats in the root link's ct attribute (Core 1.1.1 §6.2.1).
          if (d.lwm2mVersion === '1.0') return f.cf === ContentFormat.TLV ? null : 'LwM2M 1.0 device';
          return d.contentFormats.includes(f.cf) ? null : `Content-Format ${f.cf} not announced (ct)`;
        },
      },
    ),
  );
  return [
    readCase(
      '201',
      'Read an object instance (/3/0)',
      '/3/0',
      'Core 1.1.1 §6.3.1 (Read)',
      'Read /3/0 without Accept answers 2.05 with values.',
    ),
    readCase(
      '202',
      'Read an object (/3)',
      '/3',
      'Core 1.1.1 §6.3.1 (Read)',
      'Read /3 answers 2.05 with values.',
    ),
    readCase(
      '203',
      'Read a single resource as plain text (/3/0/16)',
      '/3/0/16',
      'Core 1.1.1 §6.3.1 (Read), §7.4.1 (Plain Text)',
      'Read /3/0/16 (Supported Binding and Modes, mandatory) with Accept 0 answers 2.05 in text/plain.',
      { accept: ContentFormat.TEXT },
    ),
    readCase(
      '204',
      'Read a resource instance (/3/0/11/0)',
      '/3/0/11/0',
      'Core 1.1.1 §6.3.1 (Read of a Resource Instance, 1.1+)',
      'Read /3/0/11/0 (Error Code, mandatory) answers 2.05 with its value.',
      { notApplicable: needs11 },
    ),
    ...formatCases,
    {
      id: '210',
      title: 'Write (replace) a resource',
      group: 'device-management',
      clause: 'Core 1.1.1 §6.3.3 (Write, replace: PUT)',
      safe: true,
      passCriteria: 'PUT /1/0/6 with the value just read answers 2.04 (the value is written back unchanged).',
      notApplicable: never,
      steps: () => [
        readServer,
        {
          title: 'Write /1/0/6 (replace)',
          request: { op: 'write', path: '/1/0/6', partial: false, value: { fromStep: 0, path: '/1/0/6' } },
        },
      ],
      evaluate: (o) => {
        const bad = expectCode(o[0], '2.05') ?? expectCode(o[1], '2.04');
        return bad ? fail(bad) : pass('written');
      },
    },
    {
      id: '211',
      title: 'Write (partial update) an object instance',
      group: 'device-management',
      clause: 'Core 1.1.1 §6.3.3 (Write, partial update: POST)',
      safe: true,
      passCriteria: 'POST /1/0 with resource 6 set to the value just read answers 2.04.',
      notApplicable: never,
      steps: () => [
        readServer,
        {
          title: 'Write /1/0 {6} (partial update)',
          request: { op: 'write', path: '/1/0', partial: true, value: { fromStep: 0, path: '/1/0/6' } },
        },
      ],
      evaluate: (o) => {
        const bad = expectCode(o[0], '2.05') ?? expectCode(o[1], '2.04');
        return bad ? fail(bad) : pass('written');
      },
    },
    {
      id: '212',
      title: 'Write to a read-only resource is refused',
      group: 'device-management',
      clause: 'Core 1.1.1 §6.3.3 (Write), Table "Response codes": 4.05 Method Not Allowed',
      safe: true,
      passCriteria: 'PUT /3/0/16 (read-only) with its own value answers 4.05.',
      notApplicable: never,
      steps: () => [
        { title: 'Read /3/0/16', request: { op: 'read', path: '/3/0/16' } },
        {
          title: 'Write /3/0/16 (read-only)',
          request: { op: 'write', path: '/3/0/16', partial: false, value: { fromStep: 0, path: '/3/0/16' } },
        },
      ],
      evaluate: (o) => {
        const bad = expectCode(o[0], '2.05') ?? expectCode(o[1], '4.05');
        return bad ? fail(bad) : pass('refused with 4.05');
      },
    },
    {
      id: '213',
      title: 'Execute on a resource that is not executable is refused',
      group: 'device-management',
      clause: 'Core 1.1.1 §6.3.5 (Execute), Table "Response codes": 4.05 Method Not Allowed',
      safe: true,
      passCriteria: 'Execute /3/0/16 (not executable) answers 4.05.',
      notApplicable: never,
      steps: () => [{ title: 'Execute /3/0/16', request: { op: 'execute', path: '/3/0/16' } }],
      evaluate: (o) => {
        const bad = expectCode(o[0], '4.05');
        return bad ? fail(bad) : pass('refused with 4.05');
      },
    },
    {
      id: '214',
      title: 'Execute Reboot (/3/0/4)',
      group: 'device-management',
      clause: 'Core 1.1.1 §6.3.5 (Execute), §E.4 resource 4',
      safe: false,
      passCriteria: 'Execute /3/0/4 answers 2.04.',
      notApplicable: never,
      steps: () => [{ title: 'Execute /3/0/4', request: { op: 'execute', path: '/3/0/4' } }],
      evaluate: (o) => {
        const bad = expectCode(o[0], '2.04');
        return bad ? fail(bad) : pass('executed');
      },
    },
    createCase('215', 'Create an object instance'),
    createCase('216', 'Delete an object instance'),
    {
      id: '217',
      title: 'Discover an object (/3)',
      group: 'device-management',
      clause: 'Core 1.1.1 §6.3.2 (Discover)',
      safe: true,
      passCriteria: 'Discover /3 answers 2.05 in link format listing </3> and </3/0> with its resources.',
      notApplicable: never,
      steps: () => [{ title: 'Discover /3', request: { op: 'discover', path: '/3' } }],
      evaluate: (o) => {
        const bad = expectCode(o[0], '2.05');
        if (bad || !o[0]) return fail(bad ?? 'no step');
        const links = linksOf(o[0]);
        if (typeof links === 'string') return fail(links);
        const uris = links.map((l) => l.uri);
        if (!uris.includes('/3/0')) return fail(`no </3/0> in ${payloadText(o[0])}`);
        if (!uris.some((u) => u.startsWith('/3/0/'))) return fail('no resource of /3/0 listed');
        return pass(`${links.length} links`);
      },
    },
    {
      id: '218',
      title: 'Write-Attributes, then Discover shows them',
      group: 'device-management',
      clause: 'Core 1.1.1 §6.3.4 (Write-Attributes), §5.1.2 (attributes), §6.3.2 (Discover)',
      safe: true,
      passCriteria:
        'Write-Attributes /1/0/1 pmin=7 pmax=70 answers 2.04, Discover /1/0 lists </1/0/1> with pmin=7 and ' +
        'pmax=70; the attributes are removed again (2.04).',
      notApplicable: never,
      steps: () => [
        {
          title: 'Write-Attributes /1/0/1 pmin=7 pmax=70',
          request: { op: 'write-attributes', path: '/1/0/1', attributes: { pmin: 7, pmax: 70 } },
        },
        { title: 'Discover /1/0', request: { op: 'discover', path: '/1/0' } },
        {
          title: 'Write-Attributes /1/0/1 (remove pmin, pmax)',
          request: { op: 'write-attributes', path: '/1/0/1', attributes: { pmin: null, pmax: null } },
        },
      ],
      evaluate: (o) => {
        const bad = expectCode(o[0], '2.04') ?? expectCode(o[1], '2.05');
        if (bad || !o[1]) return fail(bad ?? 'no step');
        const links = linksOf(o[1]);
        if (typeof links === 'string') return fail(links);
        const lifetime = links.find((l) => l.uri === '/1/0/1');
        const attr = (n: string) => lifetime?.attributes.find((a) => a.name === n)?.value;
        if (attr('pmin') !== '7' || attr('pmax') !== '70') {
          return fail(`Discover /1/0 does not show pmin=7;pmax=70 on </1/0/1>: ${payloadText(o[1])}`);
        }
        const cleanup = expectCode(o[2], '2.04');
        return cleanup ? fail(cleanup) : pass('attributes shown by Discover');
      },
    },
    {
      id: '219',
      title: 'Read-Composite',
      group: 'device-management',
      clause: 'Core 1.1.1 §6.3.8 (Read-Composite)',
      safe: true,
      passCriteria:
        'Read-Composite of /3/0/16 and /1/0/1 (SenML JSON) answers 2.05 with a value for both paths.',
      notApplicable: needs11,
      steps: () => [
        {
          title: 'Read-Composite /3/0/16, /1/0/1',
          request: { op: 'read-composite', paths: ['/3/0/16', '/1/0/1'], accept: ContentFormat.SENML_JSON },
        },
      ],
      evaluate: (o, d) => {
        const r = expectContent(o[0], '/', d.models);
        if ('failure' in r) return fail(r.failure);
        const paths = r.records.map((x) => x.path.toString());
        const missing = ['/3/0/16', '/1/0/1'].filter((p) => !paths.includes(p));
        return missing.length ? fail(`no value for ${missing.join(', ')}`) : pass('both values returned');
      },
    },
    {
      id: '220',
      title: 'Write-Composite',
      group: 'device-management',
      clause: 'Core 1.1.1 §6.3.9 (Write-Composite)',
      safe: true,
      passCriteria: 'Write-Composite of /1/0/6 with the value just read answers 2.04.',
      notApplicable: needs11,
      steps: () => [
        readServer,
        {
          title: 'Write-Composite /1/0/6',
          request: {
            op: 'write-composite',
            values: [{ path: '/1/0/6', value: { fromStep: 0, path: '/1/0/6' } }],
          },
        },
      ],
      evaluate: (o) => {
        const bad = expectCode(o[0], '2.05') ?? expectCode(o[1], '2.04');
        return bad ? fail(bad) : pass('written');
      },
    },
  ];
}

/**
 * The object a Create/Delete case uses: the first declared multiple-instance object with a model whose
 * mandatory writable resources can be given a valid value, other than the LwM2M Server
 * object. Its new instance sets those resources to the low end of their range.
 */
function createTarget(
  d: DeviceUnderTest,
): { objectId: number; instanceId: number; values: Record<string, unknown> } | string {
  for (const o of d.objects) {
    if (o.id < 2) continue;
    const model = d.models.getObjectModel(o.id);
    if (!model?.multiple) continue;
    // Core 1.1.1 §6.3.6: the Create payload carries the writable resources; read-only ones are the device's.
    const mandatory = [...model.resources.values()].filter(
      (r) => r.mandatory && (r.operations === 'RW' || r.operations === 'W'),
    );
    const values: Record<string, unknown> = {};
    for (const r of mandatory) values[String(r.id)] = initialValue(r.type, r.rangeEnumeration);
    if (Object.keys(values).length === 0) continue;
    return { objectId: o.id, instanceId: Math.max(-1, ...o.instances) + 1, values };
  }
  return 'no declared multiple-instance object with mandatory writable resources';
}

function initialValue(type: string, range: string | undefined): unknown {
  switch (type) {
    case 'integer':
    case 'unsigned':
    case 'float':
    case 'time':
      return rangeOf(range)?.min ?? 0;
    case 'boolean':
      return false;
    default:
      return '';
  }
}

function createCase(id: '215' | '216', title: string): ConformanceCase {
  const target = (d: DeviceUnderTest) => createTarget(d);
  return {
    id,
    title,
    group: 'device-management',
    clause: id === '215' ? 'Core 1.1.1 §6.3.6 (Create)' : 'Core 1.1.1 §6.3.7 (Delete)',
    safe: false,
    passCriteria:
      id === '215'
        ? 'Create of a new instance of a multiple-instance object answers 2.01; the instance is deleted afterwards.'
        : 'Delete of an instance created for the test answers 2.02 and a Read of it then answers 4.04.',
    notApplicable: (d) => {
      const t = target(d);
      return typeof t === 'string' ? t : null;
    },
    steps: (d) => {
      const t = target(d);
      if (typeof t === 'string') return [];
      const path = `/${t.objectId}/${t.instanceId}`;
      return [
        { title: `Create ${path}`, request: { op: 'create', ...t } },
        { title: `Delete ${path}`, request: { op: 'delete', path } },
        { title: `Read ${path} (deleted)`, request: { op: 'read', path } },
      ];
    },
    evaluate: (o) => {
      const bad =
        id === '215'
          ? expectCode(o[0], '2.01')
          : (expectCode(o[0], '2.01') ?? expectCode(o[1], '2.02') ?? expectCode(o[2], '4.04'));
      return bad ? fail(bad) : pass(id === '215' ? 'created' : 'deleted');
    },
  };
}

function observeCase(id: '301' | '302'): ConformanceCase {
  const path = '/3/0/16';
  return {
    id,
    title: id === '301' ? 'Observe a resource' : 'Cancel an observation with Observe=1',
    group: 'information-reporting',
    clause:
      id === '301'
        ? 'Core 1.1.1 §6.4.1 (Observe), RFC 7641 §3.1'
        : 'Core 1.1.1 §6.4.3 (Cancel Observation), RFC 7641 §3.6',
    safe: true,
    passCriteria:
      id === '301'
        ? `Observe ${path} answers 2.05 with its value; the observation is cancelled afterwards.`
        : `After Observe ${path}, a GET with Observe=1 and the observation's token answers 2.05.`,
    notApplicable: never,
    steps: () => [
      { title: `Observe ${path}`, request: { op: 'observe', path } },
      { title: `Cancel the observation of ${path}`, request: { op: 'cancel-observation', path } },
    ],
    evaluate: (o, d) => {
      if (id === '301') {
        const r = expectContent(o[0], path, d.models);
        return 'failure' in r ? fail(r.failure) : pass('observation established');
      }
      const bad = expectCode(o[0], '2.05') ?? expectCode(o[1], '2.05');
      return bad ? fail(bad) : pass('cancelled');
    },
  };
}

/** pmin/pmax of case 305 (s) and how far a notification may be late or early (transport, batching). */
const PMIN = 2;
const PMAX = 4;
const LATE_S = 2;
const EARLY_S = 0.5;

/**
 * Notification timing (Core 1.1.1 §5.1.2: no notification sooner than pmin after the previous one; one at the
 * latest pmax after it, even when the value did not change): /1/0/1 (the Lifetime, which does not change) is
 * observed with pmin=2 pmax=4 for 11 s.
 */
function observeTimingCase(): ConformanceCase {
  const path = '/1/0/1';
  return {
    id: '305',
    title: 'Observe with pmin/pmax: notification timing',
    group: 'information-reporting',
    clause: 'Core 1.1.1 §5.1.2 (pmin, pmax), §6.4.2 (Notify), RFC 7641 §4.2',
    safe: true,
    passCriteria:
      `With pmin=${PMIN} pmax=${PMAX} on ${path}, the device notifies at least twice in 11 s, the first ` +
      `notification at most pmax (+${LATE_S} s) after the Observe, and consecutive ones between pmin ` +
      `(-${EARLY_S} s) and pmax (+${LATE_S} s) apart; observation and attributes are removed afterwards.`,
    notApplicable: never,
    steps: () => [
      {
        title: `Write-Attributes ${path} pmin=${PMIN} pmax=${PMAX}`,
        request: { op: 'write-attributes', path, attributes: { pmin: PMIN, pmax: PMAX } },
      },
      { title: `Observe ${path}`, request: { op: 'observe', path } },
      {
        title: `Notifications of ${path} for 11 s`,
        request: { op: 'await-notifications', path, afterStep: 1, durationMs: 11_000 },
      },
      { title: `Cancel the observation of ${path}`, request: { op: 'cancel-observation', path } },
      {
        title: `Write-Attributes ${path} (remove pmin, pmax)`,
        request: { op: 'write-attributes', path, attributes: { pmin: null, pmax: null } },
      },
    ],
    evaluate: (o) => {
      const bad = expectCode(o[0], '2.04') ?? expectCode(o[1], '2.05');
      if (bad || !o[1]) return fail(bad ?? 'no step');
      let times: number[];
      try {
        times = (JSON.parse(payloadText(o[2])) as number[]).filter((t) => typeof t === 'number');
      } catch {
        return fail(`${o[2]?.title ?? 'notifications'}: ${answerOfNotifications(o[2])}`);
      }
      if (times.length < 2)
        return fail(`${times.length} notification(s) in 11 s, expected at least 2 (pmax ${PMAX} s)`);
      const observed = o[1].startedAt + o[1].durationMs;
      const gaps = [times[0]! - observed, ...times.slice(1).map((t, i) => t - times[i]!)].map(
        (g) => g / 1000,
      );
      const first = gaps[0]!;
      if (first > PMAX + LATE_S)
        return fail(`first notification ${first.toFixed(1)} s after the Observe (pmax ${PMAX})`);
      for (const g of gaps.slice(1)) {
        if (g > PMAX + LATE_S) return fail(`notifications ${g.toFixed(1)} s apart, more than pmax ${PMAX} s`);
        if (g < PMIN - EARLY_S)
          return fail(`notifications ${g.toFixed(1)} s apart, less than pmin ${PMIN} s`);
      }
      // The cancel is only cleanup here (case 302 judges it); removing the attributes is part of this case.
      const cleanup = expectCode(o[4], '2.04');
      if (cleanup) return fail(cleanup);
      return pass(`${times.length} notifications, gaps ${gaps.map((g) => g.toFixed(1)).join(', ')} s`);
    },
  };
}

function answerOfNotifications(o: StepOutcome | undefined): string {
  return o?.error ?? o?.status ?? 'no step';
}

function observeCompositeCase(id: '303' | '304'): ConformanceCase {
  const paths = ['/3/0/16', '/1/0/1'];
  return {
    id,
    title: id === '303' ? 'Observe-Composite' : 'Cancel Observe-Composite',
    group: 'information-reporting',
    clause:
      id === '303' ? 'Core 1.1.1 §6.4.1 (Observe-Composite)' : 'Core 1.1.1 §6.4.3 (Cancel Observe-Composite)',
    safe: true,
    passCriteria:
      id === '303'
        ? 'Observe-Composite of /3/0/16 and /1/0/1 answers 2.05 with both values; it is cancelled afterwards.'
        : 'After Observe-Composite, a FETCH with Observe=1 and the same paths answers 2.05.',
    notApplicable: needs11,
    steps: () => [
      {
        title: 'Observe-Composite /3/0/16, /1/0/1',
        request: { op: 'observe-composite', paths, accept: ContentFormat.SENML_JSON },
      },
      { title: 'Cancel Observe-Composite', request: { op: 'cancel-observe-composite', paths } },
    ],
    evaluate: (o, d) => {
      if (id === '304') {
        const bad = expectCode(o[0], '2.05') ?? expectCode(o[1], '2.05');
        return bad ? fail(bad) : pass('cancelled');
      }
      const r = expectContent(o[0], '/', d.models);
      if ('failure' in r) return fail(r.failure);
      const got = r.records.map((x) => x.path.toString());
      const missing = paths.filter((p) => !got.includes(p));
      return missing.length ? fail(`no value for ${missing.join(', ')}`) : pass('both values notified');
    },
  };
}

/** The LwM2M cases of the catalogue (uCIFI/OMA object profiles are built per declared object). */
export function lwm2mCases(): ConformanceCase[] {
  return [
    ...registrationCases(),
    ...deviceManagementCases(),
    observeCase('301'),
    observeCase('302'),
    observeCompositeCase('303'),
    observeCompositeCase('304'),
    observeTimingCase(),
  ];
}

/** "0..100", "0-100", "1..65534": the numeric bounds of a DDF RangeEnumeration, when it is a range. */
export function rangeOf(text: string | undefined): { min: number; max: number } | undefined {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(?:\.\.|-)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text ?? '');
  if (!m) return undefined;
  return { min: Number(m[1]), max: Number(m[2]) };
}
