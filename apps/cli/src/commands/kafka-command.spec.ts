import { PassThrough } from 'node:stream';
import { parse } from 'yaml';
import { CliUsageError } from '../cli-command';
import { command } from './kafka.command';

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await command.run(args, { stdin: new PassThrough(), stdout, stderr: new PassThrough() });
  return { code, out };
}

describe('cli kafka acls', () => {
  it('prints a service principal’s ACLs as a table', async () => {
    const { code, out } = await run(['acls', 'coap-ingest']);
    expect(code).toBe(0);
    const rows = out
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/));
    expect(rows).toContainEqual(['topic', 'literal', 'lwm2m.uplink.v1', 'write']);
    expect(rows).toContainEqual(['group', 'literal', 'coap-ingest-downlink', 'read']);
    expect(rows.some((r) => r[3] === 'read' && r[2] === 'lwm2m.uplink.v1')).toBe(false);
  });

  it('prints a Strimzi KafkaUser with SCRAM-SHA-512 and the operations grouped per resource', async () => {
    const { out } = await run(['acls', 'gateway', '--format', 'strimzi', '--user', 'sc-gateway']);
    const user = parse(out) as {
      kind: string;
      metadata: { name: string };
      spec: {
        authentication: { type: string };
        authorization: { acls: { resource: { type: string; name?: string }; operations: string[] }[] };
      };
    };
    expect(user).toMatchObject({
      kind: 'KafkaUser',
      metadata: { name: 'sc-gateway' },
      spec: { authentication: { type: 'scram-sha-512' } },
    });
    const acls = user.spec.authorization.acls;
    expect(acls.find((a) => a.resource.name === 'city.')?.operations).toEqual([
      'Create',
      'Delete',
      'Alter',
      'Write',
    ]);
    expect(acls.find((a) => a.resource.type === 'cluster')?.operations).toEqual(['Alter', 'Describe']);
  });

  it.each([
    [['acls', 'keycloak']],
    [['grant', 'decoder']],
    [['acls', 'decoder', '--format', 'xml']],
    [['acls', 'decoder', '--apply']],
    [['acls', 'decoder', '--user', 'User:x y']],
  ])('refuses %j as bad input', async (args) => {
    await expect(run(args)).rejects.toThrow(CliUsageError);
  });
});
