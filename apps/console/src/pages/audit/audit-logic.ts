import type { SchemaAuditEntryDto } from '../../api/schema';

export type AuditOutcome = SchemaAuditEntryDto['outcome'];
export const OUTCOMES: readonly AuditOutcome[] = ['success', 'failure'];
export const AUDIT_PAGE_SIZE = 50;

/** The audit log's search, as kept in the URL (a reload or a shared link shows the same entries). */
export interface AuditFilters {
  actor?: string;
  /** An action (`users.create`) or a prefix ending in `.` (`users.`). */
  action?: string;
  target?: string;
  outcome?: AuditOutcome;
  /** ISO-8601, at or after */
  from?: string;
  /** ISO-8601, before */
  to?: string;
  text?: string;
  page: number;
}

const LIMITS = { actor: 64, action: 128, target: 255, text: 128 } as const;
type TextFilter = keyof typeof LIMITS;
const TEXT_FILTERS = Object.keys(LIMITS) as TextFilter[];

function iso(value: string | null): string | undefined {
  if (!value) return undefined;
  return Number.isNaN(Date.parse(value)) ? undefined : value;
}

export function auditFiltersFromParams(params: URLSearchParams): AuditFilters {
  const filters: AuditFilters = { page: 1 };
  for (const key of TEXT_FILTERS) {
    const value = params.get(key)?.trim();
    if (value) filters[key] = value.slice(0, LIMITS[key]);
  }
  const outcome = params.get('outcome');
  if ((OUTCOMES as readonly string[]).includes(outcome ?? '')) filters.outcome = outcome as AuditOutcome;
  const from = iso(params.get('from'));
  if (from) filters.from = from;
  const to = iso(params.get('to'));
  if (to) filters.to = to;
  const page = Number(params.get('page'));
  if (Number.isInteger(page) && page > 1) filters.page = page;
  return filters;
}

export function auditFiltersToParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of [...TEXT_FILTERS, 'outcome', 'from', 'to'] as const) {
    const value = filters[key]?.trim();
    if (value) params.set(key, value);
  }
  if (filters.page > 1) params.set('page', String(filters.page));
  return params;
}

/** The GET /audit-log query of the filters, newest first. */
export function auditQuery(filters: AuditFilters, pageSize = AUDIT_PAGE_SIZE) {
  return {
    actor: filters.actor,
    action: filters.action,
    target: filters.target,
    outcome: filters.outcome,
    from: filters.from,
    to: filters.to,
    text: filters.text,
    limit: pageSize,
    offset: (filters.page - 1) * pageSize,
    sort: 'at' as const,
    order: 'desc' as const,
  };
}

export function hasFilters(filters: AuditFilters): boolean {
  return auditFiltersToParams({ ...filters, page: 1 }).toString() !== '';
}

/** An entry's details as pretty-printed JSON, or undefined when there are none. */
export function prettyDetails(details: SchemaAuditEntryDto['details']): string | undefined {
  if (details === null || details === undefined) return undefined;
  if (typeof details === 'object' && Object.keys(details).length === 0) return undefined;
  return JSON.stringify(details, null, 2);
}
