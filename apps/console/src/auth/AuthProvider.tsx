import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';

import { api, unwrap } from '../api/client';
import type { SchemaUserDto } from '../api/schema';
import {
  SESSION_KEY,
  onSignedOut,
  readSession,
  sessionFromTokens,
  signOut,
  writeSession,
  type SignedOutReason,
} from '../api/session';
import { can, type Role, type Route } from './permissions';

interface AuthState {
  user: SchemaUserDto | undefined;
  loading: boolean;
  /** Reading the signed-in user failed for a reason other than the session (5xx, network). */
  error: unknown;
  retry(): void;
  /** Why the last session ended (shown on the login page). */
  signedOutReason: SignedOutReason | undefined;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  can(route: Route): boolean;
}

const AuthContext = createContext<AuthState | undefined>(undefined);

export function AuthProvider({ children }: { children: React.ReactNode }) {
  const queryClient = useQueryClient();
  const [hasSession, setHasSession] = useState(() => readSession() !== undefined);
  const [signedOutReason, setSignedOutReason] = useState<SignedOutReason>();

  useEffect(
    () =>
      onSignedOut((reason) => {
        setHasSession(false);
        setSignedOutReason(reason);
        queryClient.clear();
      }),
    [queryClient],
  );

  // Tabs share one stored session: when another tab signs out, or signs in as someone else, this
  // tab follows (it must not show one user's menu while calling the API with another's token).
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key !== null && event.key !== SESSION_KEY) return;
      const before = event.oldValue ? (JSON.parse(event.oldValue) as { accessToken?: string }) : undefined;
      const after = readSession();
      if (!after) {
        setHasSession(false);
        setSignedOutReason('signed_out');
        queryClient.clear();
      } else if (!before) {
        setHasSession(true);
        void queryClient.invalidateQueries({ queryKey: ['me'] });
      } else {
        // A refresh rotates the tokens of the same session; a sign-in starts another: read the user again.
        void queryClient.invalidateQueries({ queryKey: ['me'] });
      }
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [queryClient]);

  const me = useQuery({
    queryKey: ['me'],
    queryFn: () => unwrap(api.GET('/admin/v1/me')),
    enabled: hasSession,
    staleTime: 60_000,
  });

  const login = useCallback(
    async (username: string, password: string) => {
      const tokens = await unwrap(api.POST('/admin/v1/auth/login', { body: { username, password } }));
      writeSession(sessionFromTokens(tokens));
      queryClient.clear();
      // Read the user now, so the login page moves on once it is known (also after a failed /me).
      await queryClient.fetchQuery({ queryKey: ['me'], queryFn: () => unwrap(api.GET('/admin/v1/me')) });
      setSignedOutReason(undefined);
      setHasSession(true);
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    // Polls in flight would come back 401 once the server ended the session: stop them first.
    await queryClient.cancelQueries();
    try {
      // Ends this session on the server (its refresh token stops working), then here.
      if (readSession()) await api.POST('/admin/v1/auth/logout');
    } finally {
      signOut('signed_out');
    }
  }, [queryClient]);

  const user = hasSession ? me.data : undefined;
  const value = useMemo<AuthState>(
    () => ({
      user,
      loading: hasSession && me.isPending,
      error: hasSession && !me.data ? me.error : undefined,
      retry: () => void me.refetch(),
      signedOutReason,
      login,
      logout,
      can: (route) => can(user?.role as Role | undefined, route),
    }),
    [user, hasSession, me, signedOutReason, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}
