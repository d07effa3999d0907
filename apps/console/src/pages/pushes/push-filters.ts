import type { paths } from '../../api/schema';

/** The query GET /admin/v1/pushes takes. */
export type PushQuery = NonNullable<paths['/admin/v1/pushes']['get']['parameters']['query']>;

/**
 * What the push search shows, as kept in the URL (a reload or a shared link shows the same page):
 * the API's own filters, plus the cursors of the pages before this one (keyset paging has no offset,
 * so "previous" needs them).
 */
export interface PushFilters {
  /** An envelope id (lower-case UUID): its push only. */
  eventId?: string;
  componentAppid?: string;
  authorizerAppid?: string;
  /** A routing key (`wechat.message.text`) or a prefix ending in `*` (`wechat.message.*`). */
  type?: string;
  /** ISO-8601: received at or after. */
  from?: string;
  /** ISO-8601: received before. */
  to?: string;
  text?: string;
  /** nextCursor of the previous page; absent on the first page. */
  cursor?: string;
  /** Cursors of the pages between the first and this one, oldest first (the first page has none). */
  back: string[];
}

/** The URL's names of the filters (short, stable: links to the page keep working). */
const PARAM = {
  eventId: 'event',
  componentAppid: 'component',
  authorizerAppid: 'authorizer',
  type: 'type',
  from: 'from',
  to: 'to',
  text: 'q',
  cursor: 'cursor',
  back: 'back',
} as const;

const APPID = /^[A-Za-z0-9_-]{1,64}$/;
/** admin-api's rule for `type`: a routing key, or a prefix ending in `*`. */
export const TYPE_PATTERN = /^[a-z0-9_.]+\*?$/;
const CURSOR = /^[A-Za-z0-9_-]{1,64}$/;
/** An envelope id, as the bus carries it (lower-case) or copied in capitals. */
export const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The envelope id of a typed or linked value, lower-cased; undefined when it is not one. */
export function eventIdOf(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed && EVENT_ID.test(trimmed) ? trimmed.toLowerCase() : undefined;
}
export const TEXT_MAX = 100;

function isoOrUndefined(value: string | null): string | undefined {
  if (!value) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

function matching(value: string | null, pattern: RegExp): string | undefined {
  const trimmed = value?.trim();
  return trimmed && pattern.test(trimmed) ? trimmed : undefined;
}

/** The filters of a URL; values the API would refuse are dropped (a hand-edited link still loads). */
export function filtersFromSearchParams(params: URLSearchParams): PushFilters {
  const text = params.get(PARAM.text)?.trim().slice(0, TEXT_MAX);
  const cursor = matching(params.get(PARAM.cursor), CURSOR);
  const back = cursor
    ? (params.get(PARAM.back) ?? '')
        .split(',')
        .map((value) => value.trim())
        .filter((value) => CURSOR.test(value))
    : [];
  return clean({
    eventId: eventIdOf(params.get(PARAM.eventId)),
    componentAppid: matching(params.get(PARAM.componentAppid), APPID),
    authorizerAppid: matching(params.get(PARAM.authorizerAppid), APPID),
    type: matching(params.get(PARAM.type), TYPE_PATTERN),
    from: isoOrUndefined(params.get(PARAM.from)),
    to: isoOrUndefined(params.get(PARAM.to)),
    text: text || undefined,
    cursor,
    back,
  });
}

/** The URL of these filters (empty ones left out). */
export function filtersToSearchParams(filters: PushFilters): URLSearchParams {
  const params = new URLSearchParams();
  const set = (key: string, value: string | undefined) => {
    if (value) params.set(key, value);
  };
  set(PARAM.eventId, filters.eventId);
  set(PARAM.componentAppid, filters.componentAppid);
  set(PARAM.authorizerAppid, filters.authorizerAppid);
  set(PARAM.type, filters.type);
  set(PARAM.from, filters.from);
  set(PARAM.to, filters.to);
  set(PARAM.text, filters.text);
  set(PARAM.cursor, filters.cursor);
  if (filters.cursor && filters.back.length > 0) params.set(PARAM.back, filters.back.join(','));
  return params;
}

/** The API query of these filters. */
export function filtersToQuery(filters: PushFilters, limit: number): PushQuery {
  const query: PushQuery = { limit };
  if (filters.eventId) query.eventId = filters.eventId;
  if (filters.componentAppid) query.componentAppid = filters.componentAppid;
  if (filters.authorizerAppid) query.authorizerAppid = filters.authorizerAppid;
  if (filters.type) query.type = filters.type;
  if (filters.from) query.from = filters.from;
  if (filters.to) query.to = filters.to;
  if (filters.text) query.text = filters.text;
  if (filters.cursor) query.cursor = filters.cursor;
  return query;
}

/** The page after this one (older pushes). */
export function nextPage(filters: PushFilters, nextCursor: string): PushFilters {
  return { ...filters, cursor: nextCursor, back: filters.cursor ? [...filters.back, filters.cursor] : [] };
}

/** The page before this one, or the first page. */
export function previousPage(filters: PushFilters): PushFilters {
  const back = [...filters.back];
  const cursor = back.pop();
  return clean({ ...filters, cursor, back });
}

/** 1 on the first page. */
export function pageNumber(filters: PushFilters): number {
  return filters.cursor ? filters.back.length + 2 : 1;
}

/** Other filters: back to the first page. */
export function withFilters(
  filters: PushFilters,
  changes: Partial<Omit<PushFilters, 'cursor' | 'back'>>,
): PushFilters {
  return clean({ ...filters, ...changes, cursor: undefined, back: [] });
}

export function hasFilters(filters: PushFilters): boolean {
  return Boolean(
    filters.eventId ||
    filters.componentAppid ||
    filters.authorizerAppid ||
    filters.type ||
    filters.from ||
    filters.to ||
    filters.text,
  );
}

function clean(filters: PushFilters): PushFilters {
  const out: PushFilters = { back: filters.back };
  for (const key of [
    'eventId',
    'componentAppid',
    'authorizerAppid',
    'type',
    'from',
    'to',
    'text',
    'cursor',
  ] as const) {
    const value = filters[key];
    if (value) out[key] = value;
  }
  if (!out.cursor) out.back = [];
  return out;
}

/**
 * How the form asks for a type. Pushes are routed by what WeChat says: `wechat.component.<InfoType>`
 * on the authorization-event URL, `wechat.message.<MsgType>` for a user message, and
 * `wechat.message.event.<Event>` for an event; `type` is a routing key (or prefix) as typed.
 */
export type TypeKind = 'infoType' | 'msgType' | 'event' | 'type';

const PREFIX: Record<Exclude<TypeKind, 'type'>, string> = {
  infoType: 'wechat.component.',
  msgType: 'wechat.message.',
  event: 'wechat.message.event.',
};
const NAME = /^[a-z0-9_]+$/;

/** The API's `type` for a kind and value: a kind alone is all of it (`wechat.component.*`). */
export function joinType(kind: TypeKind | undefined, value: string | undefined): string | undefined {
  const name = value?.trim().toLowerCase() ?? '';
  if (!kind) return undefined;
  if (kind === 'type') return name || undefined;
  return `${PREFIX[kind]}${name || '*'}`;
}

/** Whether the form's type value is one joinType makes a valid `type` of. */
export function isValidTypeValue(kind: TypeKind | undefined, value: string | undefined): boolean {
  const name = value?.trim().toLowerCase() ?? '';
  if (!name) return true;
  if (kind === 'type') return TYPE_PATTERN.test(name);
  return NAME.test(name);
}

/** The form's kind and value of an API `type` (the inverse of joinType). */
export function splitType(type: string | undefined): { kind?: TypeKind; value?: string } {
  if (!type) return {};
  for (const kind of ['event', 'infoType', 'msgType'] as const) {
    const prefix = PREFIX[kind];
    if (!type.startsWith(prefix)) continue;
    const rest = type.slice(prefix.length);
    if (rest === '*') return { kind };
    if (NAME.test(rest)) return { kind, value: rest };
  }
  return { kind: 'type', value: type };
}
