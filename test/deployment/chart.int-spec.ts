import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { type z } from 'zod';
import { bootstrapConfigSchema } from '../../apps/bootstrap/src/config/bootstrap.config';
import { ingestConfigSchema } from '../../apps/coap-ingest/src/config/ingest.config';
import { decoderConfigSchema } from '../../apps/decoder/src/config/decoder.config';
import { commandsConfigSchema } from '../../apps/gateway/src/commands/commands.config';
import { gatewayConfigSchema } from '../../apps/gateway/src/config/gateway.config';
import { migrateConfigSchema } from '@smartcity/platform-db';
import { definedMetrics } from './metric-names';

// The chart, the compose file and the apps must agree: every variable set is one the app's validated config reads
// (a typo would silently fall back to a local-stack default), each entry point exists, the ports and probes are
// the apps' own, and the autoscaling reads what the apps export. helm/check.sh checks the Kubernetes types; this
// checks the meaning. Needs no service (renders with the helm that helm/check.sh installs).

describe('helm/check.sh', () => {
  it('lints the chart, validates every rendered object against the Kubernetes types and sees refusals refused', () => {
    // Exits non-zero (and this throws) on the first lint error, invalid object or value accepted that must not be.
    execFileSync('bash', ['helm/check.sh'], { cwd: ROOT, stdio: 'inherit', timeout: 900_000 });
  }, 900_000);
});

interface EnvVar {
  name: string;
  value?: string;
}
interface Container {
  name: string;
  image: string;
  /** Absent for the console (nginx's own entry point). */
  command?: string[];
  env?: EnvVar[];
  ports?: { name: string; containerPort: number; protocol: string }[];
  readinessProbe?: { httpGet: { path: string; port: string } };
  livenessProbe?: { httpGet: { path: string; port: string } };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  securityContext?: { readOnlyRootFilesystem?: boolean };
  volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
}
interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

const ROOT = join(__dirname, '..', '..');
const keys = (...schemas: z.ZodObject[]) => schemas.flatMap((s) => Object.keys(s.shape));
const KNOWN: Record<string, string[]> = {
  'coap-ingest': keys(ingestConfigSchema),
  decoder: keys(decoderConfigSchema),
  gateway: keys(gatewayConfigSchema, commandsConfigSchema),
  bootstrap: keys(bootstrapConfigSchema),
  migrate: keys(migrateConfigSchema),
};

function render(valuesFile?: string): Manifest[] {
  const args = ['helm/check.sh', '--render', ...(valuesFile ? [valuesFile] : [])];
  const out = execFileSync('bash', args, { cwd: ROOT, encoding: 'utf8', timeout: 900_000 });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

const podSpec = (m: Manifest) => (m.spec.template as { spec: PodSpec }).spec;
const env = (c: Container, name: string) => c.env?.find((e) => e.name === name)?.value;

describe.each([
  ['default values', undefined],
  ['values-production.yaml', 'helm/smartcity/values-production.yaml'],
])('helm chart with %s', (_label, valuesFile) => {
  let manifests: Manifest[];
  const all = (kind: string) => manifests.filter((m) => m.kind === kind);
  const named = (kind: string, suffix: string) => {
    const m = manifests.find((x) => x.kind === kind && x.metadata.name.endsWith(suffix));
    if (!m) throw new Error(`no ${kind} *${suffix}`);
    return m;
  };
  const containers = () => [...all('Deployment'), ...all('Job')].flatMap((m) => podSpec(m).containers);
  const container = (app: string) => podSpec(named('Deployment', `-${app}`)).containers[0] as Container;

  beforeAll(() => {
    manifests = render(valuesFile);
  }, 900_000);

  it('renders a Deployment for each server app, the console and the migration Job', () => {
    expect(
      containers()
        .map((c) => c.name)
        .sort(),
    ).toEqual(['bootstrap', 'coap-ingest', 'console', 'decoder', 'gateway', 'migrate']);
  });

  it('starts each Node.js container from an entry point that exists in the repository', () => {
    for (const c of containers().filter((x) => x.name !== 'console')) {
      expect(c.command).toBeDefined();
      expect(existsSync(join(ROOT, c.command?.[c.command.length - 1] as string))).toBe(true);
    }
  });

  it("sets only environment variables that the app's validated config reads", () => {
    for (const c of containers()) {
      const unknown = (c.env ?? []).map((e) => e.name).filter((n) => !(KNOWN[c.name] ?? []).includes(n));
      expect({ app: c.name, unknown }).toEqual({ app: c.name, unknown: [] });
    }
  });

  it('gives every app that seals or opens device secrets its keys from a Secret', () => {
    for (const [app, names] of [
      ['coap-ingest', ['CREDENTIAL_KEYS', 'COAPS_SESSION_KEYS', 'DATABASE_URL', 'REDIS_URL']],
      [
        'gateway',
        ['CREDENTIAL_KEYS', 'DATABASE_URL', 'DATABASE_OWNER_URL', 'REDIS_URL', 'KEYCLOAK_ADMIN_PASSWORD'],
      ],
      ['bootstrap', ['CREDENTIAL_KEYS', 'DATABASE_URL', 'REDIS_URL']],
    ] as const) {
      const fromSecret = (container(app).env ?? []).filter(
        (e) => 'valueFrom' in e && (e as { valueFrom: { secretKeyRef?: unknown } }).valueFrom.secretKeyRef,
      );
      expect(fromSecret.map((e) => e.name)).toEqual(expect.arrayContaining([...names]));
    }
  });

  it('probes /readyz and /healthz on a port the container declares', () => {
    for (const app of ['coap-ingest', 'decoder', 'gateway', 'bootstrap', 'console']) {
      const c = container(app);
      expect(c.readinessProbe?.httpGet.path).toBe('/readyz');
      expect(c.livenessProbe?.httpGet.path).toBe('/healthz');
      expect((c.ports ?? []).map((p) => p.name)).toContain(c.readinessProbe?.httpGet.port);
    }
  });

  it('runs every container with a read-only root filesystem and a writable /tmp', () => {
    for (const c of containers()) {
      expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(c.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/tmp' }));
    }
  });

  it('exposes the ingest on UDP with source-address affinity and the client address preserved', () => {
    const spec = named('Service', '-coap-ingest').spec as {
      ports: { port: number; protocol: string; targetPort: string }[];
    };
    expect(spec).toMatchObject({
      sessionAffinity: 'ClientIP',
      externalTrafficPolicy: 'Local',
      type: 'LoadBalancer',
    });
    const expected = valuesFile ? [5684] : [5683, 5684]; // production: coaps only
    expect(spec.ports.map((p) => [p.port, p.protocol])).toEqual(expected.map((p) => [p, 'UDP']));
    const c = container('coap-ingest');
    expect(env(c, 'COAPS_PORT')).toBe('5684');
    expect(c.ports).toContainEqual({ name: 'coaps', containerPort: 5684, protocol: 'UDP' });
  });

  it('drains the ingest before it stops: preStop, then SIGTERM with a grace period longer than both', () => {
    const spec = podSpec(named('Deployment', '-coap-ingest'));
    const c = spec.containers[0] as Container;
    const preStop = Number(c.lifecycle?.preStop?.exec?.command[1]);
    const drainS = Number(env(c, 'SHUTDOWN_DRAIN_MS')) / 1000;
    expect(preStop).toBeGreaterThan(0);
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(preStop + drainS);
  });

  it('scales the ingest on CPU and on a registrations gauge the ingest really exports', () => {
    const hpa = named('HorizontalPodAutoscaler', '-coap-ingest').spec as {
      metrics: { type: string; pods?: { metric: { name: string } } }[];
    };
    expect(hpa.metrics.map((m) => m.type)).toEqual(['Resource', 'Pods']);
    const gauges = definedMetrics(ROOT, ['apps/coap-ingest'])
      .filter((m) => m.type === 'Gauge')
      .map((m) => m.name);
    expect(gauges).toContain(hpa.metrics[1]?.pods?.metric.name);
    expect(manifests.filter((m) => m.kind === 'PodDisruptionBudget').map((m) => m.metadata.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/-coap-ingest$/)]),
    );
  });

  it("bounds the decoders by the uplink topic's partitions, the same count the ingest and decoder are told", () => {
    const max = (named('HorizontalPodAutoscaler', '-decoder').spec as { maxReplicas: number }).maxReplicas;
    const partitions = Number(env(container('decoder'), 'DECODER_UPLINK_PARTITIONS'));
    expect(max).toBeLessThanOrEqual(partitions);
    expect(env(container('coap-ingest'), 'KAFKA_UPLINK_PARTITIONS')).toBe(String(partitions));
  });

  it("serves the bootstrap server on its config's coaps port over UDP", () => {
    const c = container('bootstrap');
    const configured = bootstrapConfigSchema.shape.COAPS_PORT.parse(undefined);
    expect(env(c, 'COAPS_PORT')).toBe(String(configured));
    expect(c.ports).toContainEqual({ name: 'coaps', containerPort: configured, protocol: 'UDP' });
    const svc = named('Service', '-bootstrap').spec as { ports: { protocol: string; targetPort: string }[] };
    expect(svc.ports).toEqual([expect.objectContaining({ protocol: 'UDP', targetPort: 'coaps' })]);
  });

  it("serves the console with its image's nginx on the declared port and the realm's public PKCE client", () => {
    const c = container('console');
    expect(c.image).toMatch(/\/console:/);
    const nginx = readFileSync(join(ROOT, 'apps/console/nginx.conf'), 'utf8');
    const port = c.ports?.find((p) => p.name === 'http')?.containerPort;
    expect(nginx).toContain(`listen ${port};`);
    for (const path of ['/healthz', '/readyz']) expect(nginx).toContain(`location = ${path} `);
    // Its /config.json comes from the ConfigMap, with the issuer the gateway checks tokens against.
    expect(c.volumeMounts).toContainEqual(
      expect.objectContaining({ mountPath: '/usr/share/nginx/html/config.json', subPath: 'config.json' }),
    );
    const config = JSON.parse(
      (named('ConfigMap', '-console') as unknown as { data: Record<string, string> }).data[
        'config.json'
      ] as string,
    ) as {
      oidcAuthority: string;
      oidcClientId: string;
    };
    expect(config.oidcAuthority).toBe(env(container('gateway'), 'OIDC_ISSUER'));
    const realm = JSON.parse(
      readFileSync(join(ROOT, 'deploy/local/keycloak/realm-smartcity.json'), 'utf8'),
    ) as {
      clients: { clientId: string; publicClient?: boolean; attributes?: Record<string, string> }[];
    };
    const client = realm.clients.find((x) => x.clientId === config.oidcClientId);
    expect(client).toMatchObject({
      publicClient: true,
      attributes: expect.objectContaining({ 'pkce.code.challenge.method': 'S256' }),
    });
  });

  if (valuesFile) {
    it('routes the Ingress host: /graphql to the gateway, everything else to the console', () => {
      const rules = (
        named('Ingress', '-gateway').spec as {
          rules: { http: { paths: { path: string; backend: { service: { name: string } } }[] } }[];
        }
      ).rules;
      const paths = rules[0]?.http.paths.map((p) => [p.path, p.backend.service.name.replace(/^.*-/, '')]);
      expect(paths).toEqual([
        ['/graphql', 'gateway'],
        ['/', 'console'],
      ]);
    });

    it('ships the alert rules file unchanged as a PrometheusRule, and the gateway behind an Ingress', () => {
      const rules = parse(readFileSync(join(ROOT, 'helm/smartcity/files/prometheus-rules.yaml'), 'utf8'));
      expect(named('PrometheusRule', '').spec).toEqual(rules);
      expect(JSON.stringify(named('Ingress', '-gateway').spec)).toContain('"name":"http"');
    });
  }
});

describe('helm chart with tracing.enabled=true', () => {
  const APPS = ['coap-ingest', 'decoder', 'gateway', 'bootstrap'];
  let dir: string;
  let manifests: Manifest[];

  beforeAll(() => {
    // helm/check.sh --render takes a values file only.
    dir = mkdtempSync(join(tmpdir(), 'chart-tracing-'));
    const values = join(dir, 'values.yaml');
    writeFileSync(
      values,
      'tracing:\n  enabled: true\n  otlpEndpoint: http://otel-collector.observability:4318\n' +
        '  sampleRatio: 0.1\n  headersSecret: otlp-auth\n',
    );
    manifests = render(values);
  }, 900_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const containers = () =>
    manifests
      .filter((m) => m.kind === 'Deployment' || m.kind === 'Job')
      .flatMap((m) => podSpec(m).containers);

  it('gives every app TRACING_ENABLED=true, its own service name, the collector and the headers Secret', () => {
    for (const app of APPS) {
      const c = containers().find((x) => x.name === app);
      expect({ app, enabled: c && env(c, 'TRACING_ENABLED') }).toEqual({ app, enabled: 'true' });
      expect(c && env(c, 'OTEL_SERVICE_NAME')).toBe(app);
      expect(c && env(c, 'TRACING_SAMPLE_RATIO')).toBe('0.1');
      expect(c && env(c, 'OTEL_EXPORTER_OTLP_ENDPOINT')).toBe('http://otel-collector.observability:4318');
      // A credential: from the operator's Secret, never a value in the manifest.
      expect(c?.env).toContainEqual({
        name: 'OTEL_EXPORTER_OTLP_HEADERS',
        valueFrom: { secretKeyRef: { name: 'otlp-auth', key: 'OTEL_EXPORTER_OTLP_HEADERS' } },
      });
    }
  });

  it("still sets only variables the app's config reads, each once", () => {
    for (const c of containers()) {
      const names = (c.env ?? []).map((e) => e.name);
      const unknown = names.filter((n) => !(KNOWN[c.name] ?? []).includes(n));
      expect({ app: c.name, unknown, duplicates: names.length - new Set(names).size }).toEqual({
        app: c.name,
        unknown: [],
        duplicates: 0,
      });
    }
  });
});

describe('deploy/compose/compose.yaml', () => {
  const compose = parse(readFileSync(join(ROOT, 'deploy/compose/compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<
      string,
      { command?: string[]; environment?: Record<string, string>; volumes?: string[] }
    >;
  };

  it("sets only variables each app's config reads, and starts entry points that exist", () => {
    for (const app of ['coap-ingest', 'decoder', 'gateway', 'bootstrap', 'migrate']) {
      const service = compose.services[app];
      const entry = service?.command?.[service.command.length - 1] as string;
      expect(existsSync(join(ROOT, entry))).toBe(true);
      const unknown = Object.keys(service?.environment ?? {}).filter((n) => !(KNOWN[app] ?? []).includes(n));
      expect({ app, unknown }).toEqual({ app, unknown: [] });
    }
  });

  it('mounts files that exist in the repository (the realm import, the database bootstrap SQL)', () => {
    const mounts = Object.values(compose.services).flatMap((s) => s.volumes ?? []);
    const local = mounts.map((m) => m.split(':')[0] as string).filter((p) => p.startsWith('.'));
    expect(local).toEqual(
      expect.arrayContaining(['../local/keycloak/realm-smartcity.json', '../local/postgres']),
    );
    for (const p of local) expect(existsSync(join(ROOT, 'deploy/compose', p))).toBe(true);
  });
});
