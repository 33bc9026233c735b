/**
 * Keycloak login by OpenID Connect authorization code + PKCE (RFC 7636, S256) with oidc-client-ts: the console is a
 * public client (`console` in the realm), holds no secret, and keeps its tokens in sessionStorage (one tab's
 * session). Refresh tokens renew the access token before it expires.
 */
import { User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { type ConsoleConfig } from '../config/runtime-config';

export const CALLBACK_PATH = '/callback';

export function createUserManager(config: ConsoleConfig, origin: string): UserManager {
  return new UserManager({
    authority: config.oidcAuthority,
    client_id: config.oidcClientId,
    redirect_uri: `${origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    scope: 'openid profile email',
    automaticSilentRenew: true,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}

export interface AuthState {
  readonly user: User | null;
  readonly manager: UserManager;
  readonly error: string | null;
  readonly signIn: () => Promise<void>;
  readonly signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

export function AuthProvider({ manager, children }: { manager: UserManager; children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const start = async (): Promise<void> => {
      try {
        if (window.location.pathname === CALLBACK_PATH) {
          const signedIn = await manager.signinRedirectCallback();
          const returnTo = typeof signedIn.state === 'string' ? signedIn.state : '/';
          window.history.replaceState(null, '', returnTo);
          if (!cancelled) setUser(signedIn);
        } else {
          const stored = await manager.getUser();
          if (!cancelled) setUser(stored && !stored.expired ? stored : null);
        }
      } catch (e) {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
        window.history.replaceState(null, '', '/');
      } finally {
        if (!cancelled) setReady(true);
      }
    };
    void start();
    const onLoaded = (u: User): void => setUser(u);
    const onUnloaded = (): void => setUser(null);
    manager.events.addUserLoaded(onLoaded);
    manager.events.addUserUnloaded(onUnloaded);
    manager.events.addAccessTokenExpired(onUnloaded);
    return () => {
      cancelled = true;
      manager.events.removeUserLoaded(onLoaded);
      manager.events.removeUserUnloaded(onUnloaded);
      manager.events.removeAccessTokenExpired(onUnloaded);
    };
  }, [manager]);

  const value = useMemo<AuthState>(
    () => ({
      user,
      manager,
      error,
      signIn: () => manager.signinRedirect({ state: window.location.pathname + window.location.search }),
      // With the id token as hint, Keycloak ends the session without asking (OIDC RP-Initiated Logout 1.0 §2).
      signOut: () => manager.signoutRedirect().catch(() => manager.removeUser()),
    }),
    [user, manager, error],
  );
  if (!ready) return <p role="status">Loading…</p>;
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
