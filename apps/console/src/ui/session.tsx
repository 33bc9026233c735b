/** Who is signed in (from the gateway's `me`), what they may do, and the city's time zone. */
import { createContext, useContext } from 'react';
import { type Abilities } from '../auth/roles';

export interface Session {
  readonly username: string;
  readonly tenant: string | null;
  readonly roles: readonly string[];
  readonly abilities: Abilities;
  readonly timeZone: string;
  readonly tileUrl: string | null;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionContext');
  return s;
}
