import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type z } from 'zod';
import { bootstrapConfigSchema } from '../../apps/bootstrap/src/config/bootstrap.config';
import { ingestConfigSchema } from '../../apps/coap-ingest/src/config/ingest.config';
import { decoderConfigSchema } from '../../apps/decoder/src/config/decoder.config';
import { gatewayConfigSchema } from '../../apps/gateway/src/config/gateway.config';
import { migrateConfigSchema } from '@smartcity/platform-db';

// The chart and the apps must agree: every variable the chart sets is one the app's validated config reads
// (a typo would silently fall back to a local-stack default), and each entry point exists.

interface Container {
  name: string;
  command: string[];
  env?: { name: string }[];
  ports?: { name: string; containerPort: number; protocol: string }[];
  readinessProbe?: { httpGet: { path: string; port: string } };
  livenessProbe?: { httpGet: { path: string; port: string } };
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

const ROOT = join(__dirname, '..', '..');
const SCHEMAS: Record<string, z.ZodObject> = {
  bootstrap: bootstrapConfigSchema,
  'coap-ingest': ingestConfigSchema,
  decoder: decoderConfigSchema,
  gateway: gatewayConfigSchema,
  migrate: migrateConfigSchema,
};

describe('helm chart', () => {
  let manifests: Manifest[];
  const containersOf = (kind: string) =>
    manifests
      .filter((m) => m.kind === kind)
      .flatMap((m) => {
        const podSpec =
          kind === 'Job'
            ? (m.spec.template as { spec: { containers: Container[] } }).spec
            : (m.spec.template as { spec: { containers: Container[] } }).spec;
        return podSpec.containers;
      });

  beforeAll(() => {
    execFileSync('bash', ['helm/check.sh'], { cwd: ROOT, stdio: 'inherit', timeout: 900_000 });
    const rendered = execFileSync('bash', ['helm/check.sh', '--render'], { cwd: ROOT, encoding: 'utf8' });
    manifests = parseAllDocuments(rendered)
      .map((d) => d.toJS() as Manifest | null)
      .filter((m): m is Manifest => m !== null);
  }, 900_000);

  it('renders a Deployment for each app and the migration Job', () => {
    expect(
      containersOf('Deployment')
        .map((c) => c.name)
        .sort(),
    ).toEqual(['bootstrap', 'coap-ingest', 'decoder', 'gateway']);
    expect(containersOf('Job').map((c) => c.name)).toEqual(['migrate']);
  });

  it('starts each container from an entry point that exists in the repository', () => {
    for (const c of [...containersOf('Deployment'), ...containersOf('Job')]) {
      const entry = c.command[c.command.length - 1] as string;
      expect(existsSync(join(ROOT, entry))).toBe(true);
    }
  });

  it("sets only environment variables that the app's validated config reads", () => {
    for (const c of [...containersOf('Deployment'), ...containersOf('Job')]) {
      const known = Object.keys((SCHEMAS[c.name] as z.ZodObject).shape);
      const unknown = (c.env ?? []).map((e) => e.name).filter((n) => !known.includes(n));
      expect({ app: c.name, unknown }).toEqual({ app: c.name, unknown: [] });
    }
  });

  it('probes /readyz and /healthz on a port the container declares', () => {
    for (const c of containersOf('Deployment')) {
      const ports = (c.ports ?? []).map((p) => p.name);
      expect(c.readinessProbe?.httpGet.path).toBe('/readyz');
      expect(c.livenessProbe?.httpGet.path).toBe('/healthz');
      expect(ports).toContain(c.readinessProbe?.httpGet.port);
    }
  });

  it('exposes CoAP over UDP with source-address affinity so NAT bindings stay on one pod', () => {
    const coap = manifests.find((m) => m.kind === 'Service' && m.metadata.name.endsWith('coap-ingest'));
    expect(coap?.spec).toMatchObject({
      sessionAffinity: 'ClientIP',
      ports: [
        expect.objectContaining({ protocol: 'UDP', port: 5683 }),
        expect.objectContaining({ protocol: 'UDP', port: 5684 }),
      ],
    });
  });
});
