import type { SchemaSessionTokensDto } from './schema';

/** The signed-in session, kept in localStorage so a reload (or a second tab) stays signed in. */
export interface Session {
  accessToken: string;
  refreshToken: string;
  /** epoch ms */
  accessExpiresAt: number;
  /** epoch ms */
  refreshExpiresAt: number;
}

export const SESSION_KEY = 'wxop.console.session';
const KEY = SESSION_KEY;

export function sessionFromTokens(tokens: SchemaSessionTokensDto, now = Date.now()): Session {
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    accessExpiresAt: now + tokens.expiresIn * 1000,
    refreshExpiresAt: now + tokens.refreshExpiresIn * 1000,
  };
}

export function readSession(storage: Storage = localStorage): Session | undefined {
  try {
    const value = JSON.parse(storage.getItem(KEY) ?? 'null') as Session | null;
    if (!value || typeof value.accessToken !== 'string' || typeof value.refreshToken !== 'string')
      return undefined;
    return value;
  } catch {
    return undefined;
  }
}

export function writeSession(session: Session | undefined, storage: Storage = localStorage): void {
  if (session) storage.setItem(KEY, JSON.stringify(session));
  else storage.removeItem(KEY);
}

/** Why the console shows the login page: signed out, or the session ran out. */
export type SignedOutReason = 'signed_out' | 'expired';

type Listener = (reason: SignedOutReason) => void;
const listeners = new Set<Listener>();

export function onSignedOut(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function signOut(reason: SignedOutReason): void {
  writeSession(undefined);
  for (const listener of listeners) listener(reason);
}
