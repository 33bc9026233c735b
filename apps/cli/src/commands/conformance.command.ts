import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '@smartcity/platform-config';
import { CliUsageError, type CliCommand } from '../cli-command';
import { envSchema, passwordGrant } from './graphql.command';

const USAGE =
  'conformance run <endpoint> [--full] [--confirm-lighting] [--out report.html|report.json] [--timeout <s>] ' +
  '[--user lyon-operator] [--password smartcity-demo] [--tenant <slug>] | ' +
  'conformance show <runId> [--out report.html|report.json] [--user ...] | conformance summary [--user ...]';

interface RunView {
  id: string;
  status: string;
  failed: number;
  reportText: string;
}

/**
 * The interoperability lab from the command line (issue 23): `conformance run <endpoint>` starts a conformance
 * run of a connected device through the gateway (startConformanceRun, as a Keycloak user of its city), waits for it
 * and prints its report; `--out` also writes the report as an HTML document (or JSON for a .json file). Exit code:
 * 0 when every applicable case passed, 1 when one failed or the run did not complete.
 */
export const command: CliCommand = {
  name: 'conformance',
  usage: USAGE,
  summary: 'run the LwM2M/uCIFI conformance suite against a connected device and print its report',
  async run(args, io) {
    const { values, positionals } = parse(args);
    const [sub, target] = positionals;
    const env = loadConfig(envSchema);
    const token = await passwordGrant(
      env,
      values.user ?? 'lyon-operator',
      values.password ?? 'smartcity-demo',
    );
    const gql = graphql(env.GATEWAY_URL, token, values.tenant);
    if (sub === 'summary') {
      const data = await gql<{ conformanceSummary: { summary: string; runs: number; devices: number }[] }>(
        '{ conformanceSummary { summary runs devices } }',
      );
      for (const s of data.conformanceSummary) {
        io.stdout.write(`${s.summary}  (${s.runs} run(s), ${s.devices} device(s))\n`);
      }
      return 0;
    }
    if ((sub !== 'run' && sub !== 'show') || !target) throw new CliUsageError(`usage: ${USAGE}`);
    let runId = target;
    if (sub === 'run') {
      const deviceId = await deviceIdOf(gql, target);
      const started = await gql<{ startConformanceRun: { id: string } }>(
        `mutation($d: ID!, $full: Boolean, $confirm: Boolean) {
           startConformanceRun(deviceId: $d, fullSuite: $full, confirmLighting: $confirm) { id } }`,
        { d: deviceId, full: values.full ?? false, confirm: values['confirm-lighting'] ?? false },
      );
      runId = started.startConformanceRun.id;
      io.stderr.write(`conformance run ${runId} of ${target} started${values.full ? ' (full suite)' : ''}\n`);
    }
    const timeoutMs = Number(values.timeout ?? 600) * 1000;
    const until = Date.now() + timeoutMs;
    let run: RunView | null = null;
    for (;;) {
      const data = await gql<{ conformanceRun: RunView | null }>(
        'query($id: ID!) { conformanceRun(id: $id) { id status failed reportText } }',
        { id: runId },
      );
      run = data.conformanceRun;
      if (!run) throw new CliUsageError(`no conformance run ${runId} in this city`);
      if (run.status !== 'RUNNING' || sub === 'show' || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    io.stdout.write(run.reportText + '\n');
    if (values.out) {
      const field = values.out.endsWith('.json') ? 'report' : 'reportHtml';
      const data = await gql<{ conformanceRun: Record<string, unknown> }>(
        `query($id: ID!) { conformanceRun(id: $id) { ${field} } }`,
        { id: runId },
      );
      const body = data.conformanceRun[field];
      await writeFile(values.out, typeof body === 'string' ? body : JSON.stringify(body, null, 2) + '\n');
      io.stderr.write(`report written to ${values.out}\n`);
    }
    if (run.status === 'RUNNING') io.stderr.write(`still running after ${timeoutMs / 1000} s\n`);
    return run.status === 'COMPLETED' && run.failed === 0 ? 0 : 1;
  },
};

type Gql = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

function graphql(url: string, token: string, tenant: string | undefined): Gql {
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        ...(tenant ? { 'x-tenant': tenant } : {}),
      },
      body: JSON.stringify({ query, variables }),
    }).catch((err: Error) => {
      throw new CliUsageError(`gateway unreachable at ${url}: ${err.message}`);
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length || !body.data) {
      throw new CliUsageError(
        body.errors?.map((e) => e.message).join('; ') ?? `gateway answered ${response.status}`,
      );
    }
    return body.data;
  };
}

async function deviceIdOf(gql: Gql, endpoint: string): Promise<string> {
  const data = await gql<{ devices: { edges: { node: { id: string; endpoint: string } }[] } }>(
    'query($s: String!) { devices(first: 50, filter: { search: $s }) { edges { node { id endpoint } } } }',
    { s: endpoint },
  );
  const device = data.devices.edges.find((e) => e.node.endpoint === endpoint);
  if (!device) throw new CliUsageError(`no device with endpoint "${endpoint}" in this city`);
  return device.node.id;
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        full: { type: 'boolean' },
        'confirm-lighting': { type: 'boolean' },
        out: { type: 'string' },
        timeout: { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        tenant: { type: 'string' },
      },
    });
  } catch (err) {
    throw new CliUsageError(`${(err as Error).message}; usage: ${USAGE}`);
  }
}
