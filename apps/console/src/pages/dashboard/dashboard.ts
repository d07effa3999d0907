import type {
  SchemaAuthorizerCountDto,
  SchemaCampaignCountDto,
  SchemaCredentialHealthDto,
  SchemaDashboardDto,
  SchemaPushesPerMinuteDto,
} from '../../api/schema';

export type DashboardSection = SchemaDashboardDto['unavailable'][number];

/** One line of the chart: a type (or the others together) under its data key. */
export interface PushSeries {
  /** `s0`, `s1`, … or `other`: a type has dots, which chart libraries read as paths. */
  key: string;
  /** The type, or undefined for the others together. */
  type: string | undefined;
  total: number;
}

/** One minute of the chart: its start (ISO-8601 UTC) and a count per series key. */
export type PushPoint = { minute: string } & Record<string, number | string>;

export interface PushChart {
  points: PushPoint[];
  series: PushSeries[];
  total: number;
}

const MINUTE = 60_000;

function minuteStart(time: number): number {
  return Math.floor(time / MINUTE) * MINUTE;
}

/**
 * The chart of pushes per minute and type: one point per minute from `minutes` ago to the minute
 * of `generatedAt` (minutes without pushes are absent from the API's answer: here they are 0), the
 * busiest `maxTypes` types each a series, the others summed into one.
 */
export function buildPushChart(
  rows: SchemaPushesPerMinuteDto[],
  generatedAt: string,
  minutes = 60,
  maxTypes = 6,
): PushChart {
  const end = minuteStart(new Date(generatedAt).getTime());
  const start = end - minutes * MINUTE;
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.type, (totals.get(row.type) ?? 0) + row.count);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = ranked.length > maxTypes ? ranked.slice(0, maxTypes - 1) : ranked;
  const series: PushSeries[] = shown.map(([type, total], index) => ({ key: `s${index}`, type, total }));
  const keyOf = new Map(series.map((line) => [line.type!, line.key]));
  const rest = ranked.slice(shown.length);
  if (rest.length > 0)
    series.push({ key: 'other', type: undefined, total: rest.reduce((sum, [, n]) => sum + n, 0) });

  const points: PushPoint[] = [];
  const index = new Map<number, PushPoint>();
  for (let time = start; time <= end; time += MINUTE) {
    const point: PushPoint = { minute: new Date(time).toISOString() };
    for (const line of series) point[line.key] = 0;
    points.push(point);
    index.set(time, point);
  }
  for (const row of rows) {
    const point = index.get(minuteStart(new Date(row.minute).getTime()));
    if (!point) continue;
    const key = keyOf.get(row.type) ?? 'other';
    point[key] = (point[key] as number) + row.count;
  }
  return { points, series, total: ranked.reduce((sum, [, n]) => sum + n, 0) };
}

export type AuthorizerType = SchemaAuthorizerCountDto['authorizerType'];
export type AuthorizerStatus = SchemaAuthorizerCountDto['status'];
export type AuthorizerTable = Record<AuthorizerStatus, Record<AuthorizerType, number> & { total: number }>;

function emptyRow(): Record<AuthorizerType, number> & { total: number } {
  return { official_account: 0, mini_program: 0, unknown: 0, total: 0 };
}

/** Authorizers of a component (or of all, without one) by status and type. */
export function authorizerTable(
  counts: SchemaAuthorizerCountDto[],
  componentAppid?: string,
): AuthorizerTable {
  const table: AuthorizerTable = { authorized: emptyRow(), unauthorized: emptyRow() };
  for (const count of counts) {
    if (componentAppid !== undefined && count.componentAppid !== componentAppid) continue;
    const row = table[count.status];
    row[count.authorizerType] += count.count;
    row.total += count.count;
  }
  return table;
}

export type CampaignStatus = SchemaCampaignCountDto['status'];

/** Campaigns by status over all components. */
export function campaignTotals(counts: SchemaCampaignCountDto[]): Record<CampaignStatus, number> {
  const totals: Record<CampaignStatus, number> = { running: 0, paused: 0, cancelled: 0, finished: 0 };
  for (const count of counts) totals[count.status] += count.count;
  return totals;
}

/** WeChat pushes a ticket every 10 minutes: two missed pushes is late; a ticket lasts 12 hours. */
export const TICKET_LATE_SECONDS = 20 * 60;
export const TICKET_EXPIRED_SECONDS = 12 * 3600;

export type Health = 'ok' | 'warning' | 'error';
export type TicketState = 'ok' | 'late' | 'expired' | 'refused' | 'missing';
export type TokenState = 'ok' | 'failing' | 'expired' | 'missing';

export function ticketState(
  health: Pick<SchemaCredentialHealthDto, 'ticketAgeSeconds' | 'ticketRefused'>,
): TicketState {
  if (health.ticketRefused) return 'refused';
  if (health.ticketAgeSeconds === undefined) return 'missing';
  if (health.ticketAgeSeconds > TICKET_EXPIRED_SECONDS) return 'expired';
  if (health.ticketAgeSeconds > TICKET_LATE_SECONDS) return 'late';
  return 'ok';
}

export function tokenState(
  health: Pick<SchemaCredentialHealthDto, 'componentTokenExpiresAt' | 'componentTokenRefreshFailures'>,
  now: number,
): TokenState {
  if (!health.componentTokenExpiresAt) return 'missing';
  if (new Date(health.componentTokenExpiresAt).getTime() <= now) return 'expired';
  if (health.componentTokenRefreshFailures > 0) return 'failing';
  return 'ok';
}

export const STATE_HEALTH: Record<TicketState | TokenState, Health> = {
  ok: 'ok',
  late: 'warning',
  failing: 'warning',
  missing: 'error',
  expired: 'error',
  refused: 'error',
};

/** Seconds until a time (negative once past). */
export function secondsUntil(time: string | undefined, now: number): number | undefined {
  if (!time) return undefined;
  const at = new Date(time).getTime();
  return Number.isNaN(at) ? undefined : Math.round((at - now) / 1000);
}

/** Whether the dashboard left a section out (its source did not answer). */
export function isUnavailable(
  dashboard: Pick<SchemaDashboardDto, 'unavailable'> | undefined,
  section: DashboardSection,
): boolean {
  return dashboard?.unavailable.includes(section) ?? false;
}
