import type { AdminRole } from './roles.decorator';

/** The operator behind a request, as the access guard established it (role as stored now, not as when the token was issued). */
export interface AuthenticatedUser {
  id: number;
  username: string;
  role: AdminRole;
  /** The session (refresh-token family) the access token belongs to. */
  sessionId: string;
}

/** The request as the guard leaves it. */
export interface AdminRequest {
  user?: AuthenticatedUser;
}
