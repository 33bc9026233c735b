import { PassThrough } from 'node:stream';
import { type CliIo, CliUsageError } from '../cli-command';
import { command as models } from './models.command';
import { command as normalize } from './normalize.command';

async function run(cmd: typeof models, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const io: CliIo = { stdin: new PassThrough(), stdout, stderr };
  const code = await cmd.run(args, io);
  return { code, out, err };
}

// TLV body of /3424/0 (LwM2M Transport 1.1.1 §7.4.3): 1 = 1234.567 (Float64), 4 = 48213, 10 = false, 13 = false,
// 5518 = 1764053100 (16-bit resource id).
const WATER_METER_TLV = 'c8010840934a449ba5e354c4040000bc55c10a00c10d00e4158e6925506c';

describe('models command', () => {
  it('lists objects with their versions', async () => {
    const { code, out } = await run(models, []);
    expect(code).toBe(0);
    expect(out).toMatch(/^3416\s+Outdoor lamp controller\s+lighting\s+1\.0, 2\.0, 3\.0$/m);
    expect(out).toMatch(/^3424\s+Water meter\s+water\s+1\.0, 1\.1$/m);
  });

  it('prints the resources of one object version as a table', async () => {
    const { code, out } = await run(models, ['--object', '3416', '--version', '2.0']);
    expect(code).toBe(0);
    expect(out).toMatch(/^3416 Outdoor lamp controller 2\.0/);
    expect(out).toMatch(/^13\s+Scheduler ID\s+integer/m);
    expect(out).toMatch(/^15\s+Lamp operating hours\s+float\s+h\s+R/m);
  });

  it('prints what changed between two versions', async () => {
    const { out } = await run(models, ['--object', '3416', '--version', '3.0', '--diff', '2.0']);
    expect(out).toContain('removed: 13, 14, 62');
    const { out: json } = await run(models, [
      '--object',
      '3418',
      '--version',
      '2.0',
      '--diff',
      '1.0',
      '--json',
    ]);
    expect(JSON.parse(json).changed).toContainEqual({ id: 6, field: 'units', from: 'kWh', to: 'Wh' });
  });

  it('resolves an unknown version to the nearest lower one with a warning', async () => {
    const { out, err } = await run(models, ['--object', '3416', '--version', '2.7', '--json']);
    expect(JSON.parse(out)).toMatchObject({ id: 3416, version: '2.0', requestedVersion: '2.7' });
    expect(err).toContain('nearest lower known version 2.0');
  });

  it.each([
    [['--object', '99']],
    [['--object', 'abc']],
    [['--version', '1.0']],
    [['--bogus']],
    [['--object', '3416', '--diff', '9.9']],
  ])('refuses %j with a usage error', async (args) => {
    await expect(run(models, args)).rejects.toBeInstanceOf(CliUsageError);
  });
});

describe('normalize command', () => {
  it('decodes a TLV water meter payload into measurement records', async () => {
    const { code, out } = await run(normalize, [
      ...['--format', 'tlv', '--path', '/3424/0', '--hex', WATER_METER_TLV, '--versions', '3424=1.1'],
      ...['--tenant', 'lyon', '--device', 'wm-1', '--received-at', '2025-11-25T08:05:03Z'],
    ]);
    expect(code).toBe(0);
    const records = JSON.parse(out) as {
      metric: string;
      value: unknown;
      unit: string | null;
      time: number;
    }[];
    expect(records.map((r) => [r.metric, r.value, r.unit, r.time])).toEqual([
      ['water_meter.cumulated_water_volume', 1234.567, 'm3', 1764053100000],
      ['water_meter.cumulated_pulse_value', 48213, null, 1764053100000],
      ['water_meter.leak_detected', false, null, 1764053100000],
      ['water_meter.fraud_detected', false, null, 1764053100000],
    ]);
  });

  it('converts 3418/6 from kWh when the device announces 1.0 (SenML JSON, numeric format)', async () => {
    const senml = Buffer.from(
      JSON.stringify([{ bn: '/3418/0/', bt: 1764057600, n: '6', v: 152.34 }]),
    ).toString('hex');
    const { out } = await run(normalize, [
      '--format',
      '110',
      '--hex',
      senml,
      '--versions',
      '3418=1.0',
      '--views',
    ]);
    expect(JSON.parse(out)).toMatchObject({ waterMeters: [], parkingSpots: [] });
    const { out: records } = await run(normalize, [
      '--format',
      '110',
      '--hex',
      senml,
      '--versions',
      '3418=1.0',
    ]);
    expect(JSON.parse(records)).toMatchObject([
      { metric: 'electrical_monitor.cumulated_active_energy', value: 152340, unit: 'Wh' },
    ]);
  });

  it.each([
    [['--hex', '00']],
    [['--format', 'xml', '--hex', '00']],
    [['--format', 'tlv']],
    [['--format', 'tlv', '--hex', 'abc']],
    [['--format', 'tlv', '--hex', 'c8', '--path', '/3424/0']],
    [['--format', 'tlv', '--hex', '00', '--versions', '3416=two']],
    [['--format', 'tlv', '--hex', '00', '--path', '/a/b']],
  ])('refuses %j with a usage error', async (args) => {
    await expect(run(normalize, args)).rejects.toBeInstanceOf(CliUsageError);
  });
});
