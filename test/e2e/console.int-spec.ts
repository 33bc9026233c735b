/**
 * The operator console in a real browser (Debian's Chromium driven by playwright-core) against the real stack:
 * Keycloak's own login form (authorization code + PKCE on the realm's `console` client), the gateway of this run
 * behind the console's nginx (its image's nginx.conf and CSP), simulated lyon and porto fleets through ingest -> Kafka -> decoder.
 * Screenshots of each page go to .local/reports/screenshots (CI artifacts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { createPool } from '@smartcity/platform-db';
import { type Page } from 'playwright-core';
import { type Pool } from 'pg';
import { type Fleet } from '../../apps/simulator/src/fleet/fleet';
import { type Pipeline, startPipeline } from '../../bench/pipeline/platform-processes';
import { borrowCity, CONSOLE_URL, openBrowser, prepareConsole, serveConsole } from './console-support';
import { deleteTopics, demoToken, E2E, eventually, graphql, runId } from './support/e2e-env';
import { startTestFleet } from './support/test-fleet';

jest.setTimeout(600_000);

const SHOTS = join(__dirname, '..', '..', '.local', 'reports', 'screenshots');

const KPIS = `query { kpis {
  lighting { lampsTotal lampsOn lampsFailed } water { metersTotal activeLeaks }
  parking { spotsTotal } waste { binsTotal binsFull } airQuality { sensorsTotal } } }`;

interface KpisData {
  kpis: {
    lighting: { lampsTotal: number; lampsOn: number; lampsFailed: number } | null;
    water: { metersTotal: number; activeLeaks: number } | null;
    parking: { spotsTotal: number } | null;
    waste: { binsTotal: number; binsFull: number } | null;
    airQuality: { sensorsTotal: number } | null;
  };
}

/** Signs in through Keycloak's login form, from the console's sign-in page. */
async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(`${CONSOLE_URL}/`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/realms\/smartcity\/protocol\/openid-connect\/auth/);
  // The realm has Organizations enabled: Keycloak asks for the username first, then the password on a second page.
  await page.locator('#username').fill(username);
  if (!(await page.locator('#password').isVisible())) await page.locator('#kc-login').click();
  await page.locator('#password').fill(E2E.demoPassword);
  await page.locator('#kc-login').click();
  await page.getByTestId('who').filter({ hasText: username }).waitFor({ timeout: 30_000 });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe('the operator console in a browser', () => {
  const run = runId();
  const lyonPrefix = `lyon-e2e${run}-`;
  const portoPrefix = `porto-e2e${run}-`;
  let owner: Pool;
  const restores: Array<() => Promise<void>> = [];
  let pipeline: Pipeline;
  let lyon: Fleet;
  let porto: Fleet;
  let server: { stop: () => Promise<void> };
  let operator: Awaited<ReturnType<typeof openBrowser>>;
  let page: Page;
  let lamp: string;
  let lampId: string;
  /** What Chromium reported the console's Content-Security-Policy refused while the operator used it. */
  const cspViolations: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    prepareConsole();
    owner = createPool({ connectionString: E2E.ownerDatabaseUrl, applicationName: 'e2e-console', max: 2 });
    restores.push((await borrowCity(owner, 'lyon', lyonPrefix)).restore);
    restores.push((await borrowCity(owner, 'porto', portoPrefix)).restore);
    pipeline = await startPipeline(run, { gateway: true });
    // Keycloak may still be starting when the suite begins.
    await eventually(() => demoToken('lyon-operator'), 120_000, 'a lyon-operator token');
    lyon = await startTestFleet({
      tenant: 'lyon',
      prefix: lyonPrefix,
      devices: 12,
      coapPort: pipeline.coapPort,
      seed: 1,
    });
    porto = await startTestFleet({
      tenant: 'porto',
      prefix: portoPrefix,
      devices: 6,
      coapPort: pipeline.coapPort,
      seed: 2,
    });
    lamp = lyon.endpoints.find((e) => e.includes('-sl-')) as string;
    server = await serveConsole(pipeline.gatewayUrl as string);
    operator = await openBrowser();
    page = operator.context.pages()[0] ?? (await operator.context.newPage());
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  });

  afterAll(async () => {
    await operator?.close();
    await server?.stop();
    await lyon?.stop();
    await porto?.stop();
    await pipeline?.stop();
    for (const restore of restores.reverse()) await restore().catch(() => undefined);
    await deleteRunTopics(pipeline);
    await owner?.end();
  });

  it('logs lyon-operator in through the Keycloak login form and shows the KPIs the GraphQL API answers', async () => {
    expect(lamp).toBeDefined();
    await signIn(page, 'lyon-operator');
    await expect(page.getByTestId('who').textContent()).resolves.toContain('lyon');
    const token = await demoToken('lyon-operator');
    const ids: Array<[string, (k: KpisData['kpis']) => number | undefined]> = [
      ['lamps-total', (k) => k.lighting?.lampsTotal],
      ['lamps-on', (k) => k.lighting?.lampsOn],
      ['lamps-failed', (k) => k.lighting?.lampsFailed],
      ['meters-total', (k) => k.water?.metersTotal],
      ['active-leaks', (k) => k.water?.activeLeaks],
      ['spots-total', (k) => k.parking?.spotsTotal],
      ['bins-total', (k) => k.waste?.binsTotal],
      ['bins-full', (k) => k.waste?.binsFull],
      ['aq-sensors', (k) => k.airQuality?.sensorsTotal],
    ];
    // Both sides move while the fleet reports its first values: equal at one moment, with every lamp counted.
    await eventually(
      async () => {
        const shown = await Promise.all(ids.map(([id]) => page.getByTestId(`kpi-${id}`).textContent()));
        const res = await graphql<KpisData>(pipeline.gatewayUrl as string, token, undefined, KPIS);
        if (res.errors) throw new Error(JSON.stringify(res.errors));
        const k = res.data!.kpis;
        const expected = ids.map(([, get]) => String(get(k)));
        const lamps = lyon.endpoints.filter((e) => e.includes('-sl-')).length;
        // At least the run's lamps (a demo already running in lyon adds its own).
        return (k.lighting?.lampsTotal ?? 0) >= lamps && JSON.stringify(shown) === JSON.stringify(expected)
          ? true
          : undefined;
      },
      90_000,
      'the overview KPIs to equal the GraphQL answer',
    );
    await shot(page, 'overview');
  });

  it("lists lyon's devices only, never porto's", async () => {
    await page.getByRole('link', { name: 'Devices' }).click();
    await page.getByTestId('device-row').first().waitFor();
    const endpoints = await page.getByTestId('device-row').locator('td:nth-child(2)').allTextContents();
    expect(endpoints.length).toBeGreaterThan(0);
    expect(endpoints.some((e) => e.startsWith('porto'))).toBe(false);
    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.fill(lyonPrefix);
    await eventually(
      async () => {
        const shown = await page.getByTestId('device-row').locator('td:nth-child(2)').allTextContents();
        return shown.length === lyon.size && shown.every((e) => e.startsWith(lyonPrefix)) ? true : undefined;
      },
      10_000,
      "the run's lyon devices",
    );
    await shot(page, 'devices');
    await search.fill(portoPrefix);
    await page.getByText('No device matches.').waitFor();
    // A porto device opened by its id is not there for a lyon user.
    const admin = await demoToken('platform-admin');
    const found = await graphql<{ devices: { edges: Array<{ node: { id: string; endpoint: string } }> } }>(
      pipeline.gatewayUrl as string,
      admin,
      'porto',
      `query { devices(first: 50, filter: { search: "${portoPrefix}" }) { edges { node { id endpoint } } } }`,
    );
    const portoId = found.data?.devices.edges[0]?.node.id;
    expect(portoId).toBeDefined();
    expect(porto.endpoints).toContain(found.data?.devices.edges[0]?.node.endpoint);
    await page.goto(`${CONSOLE_URL}/devices/${portoId}`);
    await page.getByText('This device does not exist in your city.').waitFor();
  });

  it('opens a streetlight, dims it, sees the command succeed and the new level arrive live', async () => {
    await page.goto(`${CONSOLE_URL}/devices`);
    await page.getByRole('searchbox', { name: 'Search' }).fill(lamp);
    await page.getByRole('link', { name: lamp }).click();
    await page.getByTestId('endpoint').filter({ hasText: lamp }).waitFor();
    const level = page.getByTestId('lamp-level');
    await eventually(
      async () => ((await level.textContent())?.endsWith('%') ? true : undefined),
      30_000,
      'a level',
    );
    lampId = decodeURIComponent(page.url().split('/devices/')[1] ?? '');
    const current = lyon.device(lamp)?.values.num('/3416/0/3');
    const target = current === 30 ? 40 : 30;
    await page.getByLabel('New level (%)').fill(String(target));
    await page.getByRole('button', { name: 'Set level' }).click();
    await page.getByTestId('command-sent').waitFor();
    // The outcome arrives by the commandUpdated subscription; the level by deviceStateChanged (no reload, no poll).
    await page
      .locator('[data-testid="command-row"][data-status="SUCCEEDED"]')
      .first()
      .waitFor({ timeout: 60_000 });
    await level.filter({ hasText: `${target} %` }).waitFor({ timeout: 30_000 });
    expect(lyon.device(lamp)?.tree.get(Lwm2mPath.parse('/3416/0/1'))).toBe(target);
    await shot(page, 'device-detail');
  });

  it('puts the devices on the map, clustered when close, and opens a device from its marker', async () => {
    // The simulated devices report no position: a city admin places them through the API (updateDevice), 4 x 3
    // about 300 m apart around Lyon, and the streetlight 5 m from its neighbour so the two form a cluster.
    const admin = await demoToken('lyon-admin');
    const gateway = pipeline.gatewayUrl as string;
    const list = await graphql<{ devices: { edges: Array<{ node: { id: string; endpoint: string } }> } }>(
      gateway,
      admin,
      undefined,
      `query { devices(first: 100, filter: { search: "${lyonPrefix}" }) { edges { node { id endpoint } } } }`,
    );
    const devices = list
      .data!.devices.edges.map((e) => e.node)
      .sort((a, b) => a.endpoint.localeCompare(b.endpoint));
    expect(devices).toHaveLength(lyon.size);
    const others = devices.filter((d) => d.endpoint !== lamp);
    const place = async (id: string, latitude: number, longitude: number, name?: string): Promise<void> => {
      const res = await graphql(
        gateway,
        admin,
        undefined,
        `
          mutation ($id: ID!, $input: UpdateDeviceInput!) {
            updateDevice(id: $id, input: $input) {
              id
            }
          }
        `,
        { id, input: { location: { latitude, longitude }, ...(name === undefined ? {} : { name }) } },
      );
      expect(res.errors).toBeUndefined();
    };
    // A city admin may name a device anything: the last one gets a name that is HTML with a script in it, which
    // the map must show as text (stored XSS in Leaflet's tooltip otherwise).
    const hostileName = '<img src=x onerror="window.__xss=1">';
    const hostile = others[others.length - 1]!;
    for (const [i, d] of others.entries()) {
      await place(
        d.id,
        45.75 + Math.floor(i / 4) * 0.003,
        4.83 + (i % 4) * 0.004,
        d === hostile ? hostileName : undefined,
      );
    }
    await place(lampId, 45.75 + 0.00004, 4.83 + 0.00004);
    await page.getByRole('link', { name: 'Map', exact: true }).click();
    await page.locator('.device-marker, .cluster').first().waitFor();
    const counted = async (): Promise<number> => {
      const singles = await page.locator('.device-marker').count();
      const clustered = (await page.locator('.cluster').allTextContents()).reduce((n, t) => n + Number(t), 0);
      return singles + clustered;
    };
    await shot(page, 'map');
    await expect(counted()).resolves.toBe(devices.length);
    await page.locator(`.device-${hostile.endpoint}`).hover({ force: true });
    await page
      .locator('.leaflet-tooltip')
      .filter({ hasText: `${hostileName} · ` })
      .waitFor();
    await expect(page.locator('.leaflet-tooltip img').count()).resolves.toBe(0);
    await expect(page.evaluate(() => (globalThis as { __xss?: number }).__xss)).resolves.toBeUndefined();
    const cluster = page.locator('.cluster').filter({ hasText: /^2$/ });
    await expect(cluster.count()).resolves.toBe(1);
    await cluster.click();
    await page.locator(`.device-${lamp}`).waitFor();
    await expect(page.locator('.cluster').count()).resolves.toBe(0);
    await expect(counted()).resolves.toBe(devices.length);
    // The map refreshes its devices (every 10 s) without being rebuilt: the same Leaflet map, still zoomed in
    // (a rebuilt one fits all the devices again, and the pair is a cluster again).
    const mapId = 'document.querySelector(".map")._leaflet_id';
    const before = await page.evaluate<number>(mapId);
    expect(typeof before).toBe('number');
    await page.waitForResponse(
      // urql sends queries by GET when they fit in the URL.
      (r) =>
        r.url().includes('/graphql') &&
        /query[+ ]Devices/.test(decodeURIComponent(r.url()) + (r.request().postData() ?? '')),
      { timeout: 20_000 },
    );
    await page.waitForTimeout(500);
    await expect(page.evaluate<number>(mapId)).resolves.toBe(before);
    await expect(page.locator('.cluster').count()).resolves.toBe(0);
    await expect(counted()).resolves.toBe(devices.length);
    await page.locator(`.device-${lamp}`).click({ force: true });
    await page.getByTestId('endpoint').filter({ hasText: lamp }).waitFor();
  });

  it('shows the other pages (alarms, lighting) and the offline state', async () => {
    for (const [link, heading, name] of [
      ['Alarms', 'Alarms', 'alarms'],
      ['Lighting', 'Lighting', 'lighting'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await shot(page, name);
    }
    await expect(page.getByRole('button', { name: 'Dim' }).count()).resolves.toBe(1);
    // Every page so far worked under the image's CSP (nothing refused), and the policy is in force: an inline
    // script, as an injected one would be, does not run.
    const served = await fetch(`${CONSOLE_URL}/`);
    expect(served.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(cspViolations).toEqual([]);
    await page.evaluate(
      "document.head.appendChild(Object.assign(document.createElement('script'), { textContent: 'window.__inline = 1' }))",
    );
    await expect(
      page.evaluate(() => (globalThis as { __inline?: number }).__inline),
    ).resolves.toBeUndefined();
    await eventually(async () => (cspViolations.length > 0 ? true : undefined), 5_000, 'the CSP report');
    cspViolations.length = 0;
    // Offline: the page says its data may be stale, and stops saying so when the browser is back online.
    await operator.context.setOffline(true);
    await page.getByTestId('offline').filter({ hasText: 'You are offline' }).waitFor();
    await operator.context.setOffline(false);
    await page.getByTestId('offline').waitFor({ state: 'detached' });
  });

  it('lets lyon-admin provision devices, one with a generated PSK shown once and more from CSV', async () => {
    const admin = await openBrowser();
    try {
      const apage = admin.context.pages()[0] ?? (await admin.context.newPage());
      await signIn(apage, 'lyon-admin');
      await apage.getByRole('link', { name: 'Administration' }).click();
      await apage.getByTestId('my-roles').filter({ hasText: 'city-admin' }).waitFor();
      await apage.getByLabel('Endpoint name').fill(`${lyonPrefix}admin-0001`);
      await apage.getByLabel('Name', { exact: true }).fill('Provisioned from the console');
      await apage.getByRole('button', { name: 'Provision', exact: true }).click();
      await apage
        .getByTestId('provisioned')
        .filter({ hasText: `${lyonPrefix}admin-0001` })
        .waitFor();
      await expect(apage.getByTestId('psk-key').textContent()).resolves.toMatch(/^[0-9a-f]{32}$/);
      await apage
        .getByLabel(/^Devices, one per line/)
        .fill(
          `endpoint,name,category,latitude,longitude\n${lyonPrefix}csv-0001,,water,45.76,4.84\n${lyonPrefix}csv-0002`,
        );
      await apage.getByRole('button', { name: 'Provision 2 device(s)' }).click();
      await apage.getByText('2 created, 0 skipped.').waitFor();
      await shot(apage, 'admin');
    } finally {
      await admin.close();
    }
  });

  it('shows lyon-viewer no command buttons', async () => {
    const viewer = await openBrowser();
    try {
      const vpage = viewer.context.pages()[0] ?? (await viewer.context.newPage());
      await signIn(vpage, 'lyon-viewer');
      await vpage.goto(`${CONSOLE_URL}/devices/${encodeURIComponent(lampId)}`);
      await vpage.getByTestId('endpoint').filter({ hasText: lamp }).waitFor();
      await vpage.getByTestId('read-only').waitFor();
      for (const name of ['Set level', 'Switch on', 'Switch off']) {
        await expect(vpage.getByRole('button', { name }).count()).resolves.toBe(0);
      }
      await shot(vpage, 'device-detail-viewer');
      await vpage.getByRole('link', { name: 'Lighting' }).click();
      await vpage.getByRole('heading', { level: 1, name: 'Lighting' }).waitFor();
      await expect(vpage.getByRole('button', { name: 'Dim' }).count()).resolves.toBe(0);
      await expect(vpage.getByRole('link', { name: 'Administration' }).count()).resolves.toBe(0);
      // Signing out ends the Keycloak session (no confirmation page) and comes back to the console's sign-in.
      // RP-Initiated Logout 1.0 §2: the end-session request carries the id token as hint.
      const endSession = vpage.waitForRequest(/\/protocol\/openid-connect\/logout\?.*id_token_hint=/);
      await vpage.getByRole('button', { name: 'Sign out' }).click();
      await endSession;
      await vpage.waitForURL(`${CONSOLE_URL}/`);
      await expect(vpage.evaluate('sessionStorage.length')).resolves.toBe(0);
      await vpage.getByRole('button', { name: 'Sign in' }).click();
      await vpage.locator('#username').waitFor();
    } finally {
      await viewer.close();
    }
  });

  it('stops reconnecting when the gateway refuses the token on the live link, and asks to sign in again', async () => {
    const op = await openBrowser();
    try {
      const opage = op.context.pages()[0] ?? (await op.context.newPage());
      await signIn(opage, 'lyon-operator');
      // The gateway closes a socket whose token it refuses with 4403 Forbidden (graphql-transport-ws protocol):
      // answer every live connection so, and count the connections the console opens.
      let attempts = 0;
      await opage.routeWebSocket(/\/graphql$/, (ws) => {
        attempts += 1;
        ws.onMessage(() => void ws.close({ code: 4403, reason: 'Forbidden' }));
      });
      // The device page subscribes (its values and commands live).
      await opage.goto(`${CONSOLE_URL}/devices/${encodeURIComponent(lampId)}`);
      await opage.getByTestId('session-expired').filter({ hasText: 'sign in again' }).waitFor();
      // graphql-ws' first retry comes after 1.3 to 4 s (randomised backoff): none within 6 s.
      await opage.waitForTimeout(6_000);
      expect(attempts).toBe(1);
      await expect(opage.getByTestId('offline').count()).resolves.toBe(0);
      await shot(opage, 'session-expired');
    } finally {
      await op.close();
    }
  });
});

async function deleteRunTopics(pipeline: Pipeline | undefined): Promise<void> {
  if (!pipeline) return;
  await deleteTopics([pipeline.uplinkTopic, pipeline.downlinkTopic, pipeline.downlinkResultTopic]).catch(
    () => undefined,
  );
}
