import { type UserManager } from 'oidc-client-ts';
import { useEffect, useMemo, useRef, useState } from 'react';
import { BrowserRouter, NavLink, Route, Routes } from 'react-router';
import { Provider, useQuery } from 'urql';
import { AuthProvider, useAuth } from './auth/auth';
import { abilitiesOf, seesCategory } from './auth/roles';
import { apiUrls, type ConsoleConfig } from './config/runtime-config';
import { createApiClients, type LinkState, nextLinkState } from './graphql/client';
import { ME, type MeData } from './graphql/documents';
import { AdminPage } from './pages/admin';
import { AlarmsPage } from './pages/alarms';
import { DeviceDetailPage } from './pages/device-detail';
import { DevicesPage } from './pages/devices';
import { LightingPage } from './pages/lighting';
import { MapPage } from './pages/map';
import { OverviewPage } from './pages/overview';
import { type Session, SessionContext } from './ui/session';
import { ErrorBox, Loading } from './ui/states';

export function App({ config, manager }: { config: ConsoleConfig; manager: UserManager }) {
  return (
    <AuthProvider manager={manager}>
      <Gate config={config} />
    </AuthProvider>
  );
}

function Gate({ config }: { config: ConsoleConfig }) {
  const auth = useAuth();
  if (!auth.user) return <SignIn />;
  return <Connected config={config} />;
}

function SignIn() {
  const auth = useAuth();
  return (
    <main className="signin">
      <h1>Smart city console</h1>
      <p>Sign in with your city account.</p>
      {auth.error && <ErrorBox error={`Sign-in failed: ${auth.error}`} />}
      <button type="button" onClick={() => void auth.signIn()}>
        Sign in
      </button>
    </main>
  );
}

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const up = (): void => setOnline(true);
    const down = (): void => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return online;
}

function Connected({ config }: { config: ConsoleConfig }) {
  const auth = useAuth();
  const tokenRef = useRef<string | undefined>(auth.user?.access_token);
  tokenRef.current = auth.user?.access_token;
  const [link, setLink] = useState<LinkState>('idle');
  const apis = useMemo(
    () =>
      createApiClients(
        apiUrls(config, window.location.origin),
        () => tokenRef.current,
        // A lost link stays lost while it retries, until it is connected again.
        (next) => setLink((prev) => nextLinkState(prev, next)),
      ),
    [config],
  );
  useEffect(() => () => void apis.ws.dispose(), [apis]);
  return (
    <Provider value={apis.client}>
      <WithSession config={config} link={link} />
    </Provider>
  );
}

function WithSession({ config, link }: { config: ConsoleConfig; link: LinkState }) {
  const [{ data, error, fetching }] = useQuery<MeData>({ query: ME, requestPolicy: 'network-only' });
  const online = useOnline();
  const auth = useAuth();
  if (fetching && !data) return <Loading what="your session" />;
  if (error || !data) {
    return (
      <main className="signin">
        <ErrorBox error={error ?? 'No session'} />
        <button type="button" onClick={() => void auth.signOut()}>
          Sign out
        </button>
      </main>
    );
  }
  const me = data.me;
  const session: Session = {
    username: me.username,
    tenant: me.tenant,
    roles: me.roles,
    abilities: abilitiesOf(me.roles, me.utilityDomains),
    timeZone:
      (me.tenant ? config.timeZones[me.tenant] : undefined) ??
      Intl.DateTimeFormat().resolvedOptions().timeZone,
    tileUrl: config.tileUrl,
  };
  return (
    <SessionContext.Provider value={session}>
      <BrowserRouter>
        <header className="top">
          <span className="brand">Smart city console</span>
          <nav aria-label="Main">
            <NavLink to="/" end>
              Overview
            </NavLink>
            <NavLink to="/map">Map</NavLink>
            <NavLink to="/devices">Devices</NavLink>
            <NavLink to="/alarms">Alarms</NavLink>
            {seesCategory(session.abilities, 'lighting') && <NavLink to="/lighting">Lighting</NavLink>}
            {session.abilities.manageDevices && <NavLink to="/admin">Administration</NavLink>}
          </nav>
          <span className="who" data-testid="who">
            {me.username} · {me.tenant ?? 'no city'} · {me.roles.join(', ') || 'no role'}
          </span>
          <button type="button" onClick={() => void auth.signOut()}>
            Sign out
          </button>
        </header>
        {online && link === 'refused' && (
          <div role="alert" className="banner offline" data-testid="session-expired">
            Your session has expired: sign in again.{' '}
            <button type="button" onClick={() => void auth.signIn()}>
              Sign in again
            </button>
          </div>
        )}
        {(!online || link === 'lost') && (
          <div role="status" className="banner offline" data-testid="offline">
            {online
              ? 'Live updates disconnected, reconnecting…'
              : 'You are offline: the data shown may be stale.'}
          </div>
        )}
        <main className="page">
          <Routes>
            <Route path="/" element={<OverviewPage />} />
            <Route path="/map" element={<MapPage />} />
            <Route path="/devices" element={<DevicesPage />} />
            <Route path="/devices/:id" element={<DeviceDetailPage />} />
            <Route path="/alarms" element={<AlarmsPage />} />
            <Route path="/lighting" element={<LightingPage />} />
            <Route path="/admin" element={<AdminPage />} />
            <Route path="*" element={<p>Page not found.</p>} />
          </Routes>
        </main>
      </BrowserRouter>
    </SessionContext.Provider>
  );
}
