import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';

import { api, unwrap } from '../api/client';
import type { SchemaUserDto } from '../api/schema';
import {
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
      setSignedOutReason(undefined);
      setHasSession(true);
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    try {
      // Ends this session on the server (its refresh token stops working), then here.
      if (readSession()) await api.POST('/admin/v1/auth/logout');
    } finally {
      signOut('signed_out');
    }
  }, []);

  const user = hasSession ? me.data : undefined;
  const value = useMemo<AuthState>(
    () => ({
      user,
      loading: hasSession && me.isPending,
      signedOutReason,
      login,
      logout,
      can: (route) => can(user?.role as Role | undefined, route),
    }),
    [user, hasSession, me.isPending, signedOutReason, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}
