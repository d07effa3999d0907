export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One row of the audit log, as the API answers it. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: { userId: number | null; username: string | null; role: string | null };
  action: string;
  target: string | null;
  method: string | null;
  path: string | null;
  ip: string | null;
  userAgent: string | null;
  outcome: AuditOutcome;
  errorCode: string | null;
  details: Record<string, unknown> | null;
  correlationId: string | null;
}

/** What a writer gives; who and from where default to the current request's (AuditContext). */
export interface AuditRecordInput {
  action: string;
  target?: string;
  outcome: AuditOutcome;
  errorCode?: string;
  /** Redacted with redactFields before it is stored. */
  details?: Record<string, unknown>;
  /** The actor when there is no authenticated user (a login names the username tried). */
  actor?: { userId?: number; username?: string; role?: string };
}
