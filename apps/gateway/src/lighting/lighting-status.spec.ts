import { type CommandRow } from '../commands/commands.repository';
import { LampProgramState, type LampStatusInput, lampStatus, monitorEntries } from './lighting-status';

let n = 0;
function cmd(
  status: CommandRow['status'],
  op = 'create',
  path = '/3452',
  extra: Partial<CommandRow> = {},
): CommandRow {
  n += 1;
  return {
    id: `c${n}`,
    tenantId: 'lyon',
    deviceId: 'd1',
    idempotencyKey: null,
    type: op,
    request: { endpoint: 'lamp', operation: { op, path } },
    status,
    coapCode: status === 'SUCCEEDED' ? '2.01' : status === 'FAILED' ? '4.00' : null,
    result: null,
    error: null,
    issuedBy: 'lyon-operator',
    batchId: null,
    deadline: new Date(0),
    createdAt: new Date(0),
    sentAt: null,
    completedAt: null,
    updatedAt: new Date(0),
    ...extra,
  };
}

const expected = [{ objectId: 3452, instanceId: 0, resources: { 0: 'night', 2: 10, 6: { 0: '</3416/0>' } } }];
const base: LampStatusInput = {
  programVersion: 2,
  appliedVersion: 2,
  applyError: null,
  applyCommands: [cmd('SUCCEEDED', 'execute', '/3457/0/16'), cmd('SUCCEEDED')],
  capabilitiesCommand: null,
  verifyCommands: [],
  expected,
};
const readBack = (
  values: { path: string; value: unknown }[],
  status: CommandRow['status'] = 'SUCCEEDED',
) => ({
  row: cmd(status, 'read', '/3452'),
  values,
});
const good = [
  { path: '/3452/0/0', value: 'night' },
  { path: '/3452/0/2', value: 10 },
  { path: '/3452/0/6/0', value: '</3416/0>' },
];

describe('lampStatus', () => {
  it('is PENDING before anything was sent, and while the Program Manager is read', () => {
    expect(lampStatus({ ...base, applyCommands: [], appliedVersion: null }).state).toBe(
      LampProgramState.PENDING,
    );
    const reading = lampStatus({
      ...base,
      applyCommands: [],
      capabilitiesCommand: cmd('SENT', 'read', '/3457/0'),
    });
    expect(reading).toMatchObject({ state: LampProgramState.PENDING, detail: expect.stringMatching(/3457/) });
  });

  it('is FAILED when the Program Manager read failed, naming the outcome', () => {
    const s = lampStatus({
      ...base,
      applyCommands: [],
      capabilitiesCommand: cmd('TIMEOUT', 'read', '/3457/0'),
    });
    expect(s).toEqual({
      state: LampProgramState.FAILED,
      detail: 'the Program Manager could not be read: read /3457/0: TIMEOUT',
      monitor: [],
    });
  });

  it('is FAILED with the compiler reason when the program does not fit', () => {
    const s = lampStatus({
      ...base,
      applyCommands: [],
      applyError: 'the program does not fit the controller: x',
    });
    expect(s.state).toBe(LampProgramState.FAILED);
    expect(s.detail).toMatch(/does not fit/);
  });

  it('is FAILED at the first failed command, PENDING while some are unanswered', () => {
    const failed = lampStatus({
      ...base,
      applyCommands: [cmd('SUCCEEDED'), cmd('FAILED', 'create', '/3454', { error: 'bad request' })],
    });
    expect(failed.detail).toBe('create /3454: FAILED 4.00 (bad request)');
    expect(lampStatus({ ...base, applyCommands: [cmd('SUCCEEDED'), cmd('SENT')] })).toMatchObject({
      state: LampProgramState.PENDING,
      detail: '1 of 2 commands not answered yet',
    });
  });

  it('is APPLIED when every command succeeded, DRIFT when the program changed since', () => {
    expect(lampStatus(base)).toMatchObject({
      state: LampProgramState.APPLIED,
      detail: 'applied, not verified',
    });
    expect(lampStatus({ ...base, appliedVersion: 1 })).toMatchObject({
      state: LampProgramState.DRIFT,
      detail: expect.stringMatching(/version 1 applied, 2 current/),
    });
  });

  it('compares the read-back with the program: equal is APPLIED, different is DRIFT', () => {
    expect(lampStatus({ ...base, verifyCommands: [readBack(good)] })).toMatchObject({
      state: LampProgramState.APPLIED,
      detail: 'applied and read back equal',
    });
    const changed = good.map((v) => (v.path === '/3452/0/2' ? { ...v, value: 3 } : v));
    expect(lampStatus({ ...base, verifyCommands: [readBack(changed)] })).toMatchObject({
      state: LampProgramState.DRIFT,
      detail: 'the controller holds /3452/0/2 = 3, the program has 10',
    });
    const missing = good.filter((v) => v.path !== '/3452/0/6/0');
    expect(lampStatus({ ...base, verifyCommands: [readBack(missing)] }).detail).toMatch(
      /\/3452\/0\/6\/0 = null/,
    );
  });

  it('reports the Program Monitor and fails on its error conditions', () => {
    const monitor = [
      { path: '/3458/0/0', value: 'night' },
      { path: '/3458/0/1', value: 2 },
      { path: '/3458/0/2', value: 2 },
      { path: '/3458/0/5', value: 7 },
    ];
    const s = lampStatus({ ...base, verifyCommands: [readBack(good), readBack(monitor)] });
    expect(s.state).toBe(LampProgramState.FAILED);
    expect(s.detail).toBe('Program Monitor /3458/0 reports error conditions 0b10');
    expect(s.monitor).toEqual([
      { instanceId: 0, programName: 'night', status: 2, errorConditions: 2, executionCounter: 7 },
    ]);
  });

  it('fails a verification read that failed', () => {
    expect(lampStatus({ ...base, verifyCommands: [readBack([], 'FAILED')] }).state).toBe(
      LampProgramState.FAILED,
    );
  });
});

describe('monitorEntries', () => {
  it('groups 3458 values per instance and ignores other paths', () => {
    expect(
      monitorEntries([
        { path: '/3458/1/1', value: 1 },
        { path: '/3452/0/1', value: true },
        { path: '/3458/0/4', value: 3 },
      ]),
    ).toEqual([
      { instanceId: 0, programName: null, status: null, errorConditions: null, executionCounter: null },
      { instanceId: 1, programName: null, status: 1, errorConditions: null, executionCounter: null },
    ]);
  });
});
