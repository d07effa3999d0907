import type {
  SchemaCreateForwardingRuleDto,
  SchemaDeliveryDto,
  SchemaDeliveryFilterDto,
  SchemaFailingRuleDto,
  SchemaForwardingRuleDto,
  SchemaUpdateForwardingRuleDto,
} from '../../api/schema';

/** The API's binding-key syntax (CreateForwardingRuleDto): dot-separated lower-case words, `*` or `#`. */
export const PATTERN = /^([a-z0-9_]+|\*|#)(\.([a-z0-9_]+|\*|#))*$/;
/** An event type (SendTestEventDto, the delivery filter): at least two dotted lower-case words. */
export const EVENT_TYPE = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;
export const DEFAULT_CONCURRENCY = 4;

/** What the rule form holds: the events field is a tags input (the API takes exactly one pattern per rule). */
export interface RuleFormValues {
  name?: string;
  targetUrl?: string;
  events?: string[];
  componentAppid?: string;
  authorizerAppid?: string;
  concurrency?: number | null;
  enabled?: boolean;
}

function blankToUndefined(value: string | undefined | null): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** The one pattern of the events field (its last tag: typing a new one replaces the old). */
export function patternOf(events: readonly string[] | undefined): string | undefined {
  const patterns = (events ?? []).map((event) => event.trim()).filter(Boolean);
  return patterns[patterns.length - 1];
}

/** A readable default name when the operator leaves it blank: "<pattern> → <host>". */
export function defaultRuleName(targetUrl: string, pattern: string): string {
  let host = targetUrl;
  try {
    host = new URL(targetUrl).host || targetUrl;
  } catch {
    // not a URL yet: the API refuses it anyway
  }
  return `${pattern} → ${host}`.slice(0, 128);
}

/** The create form's values as the API's body (name defaults from pattern and host). */
export function createRuleBody(values: RuleFormValues): SchemaCreateForwardingRuleDto {
  const targetUrl = values.targetUrl?.trim() ?? '';
  const eventPattern = patternOf(values.events) ?? '';
  return {
    name: blankToUndefined(values.name) ?? defaultRuleName(targetUrl, eventPattern),
    eventPattern,
    targetUrl,
    componentAppid: blankToUndefined(values.componentAppid),
    authorizerAppid: blankToUndefined(values.authorizerAppid),
    enabled: values.enabled ?? true,
    concurrency: values.concurrency ?? DEFAULT_CONCURRENCY,
  };
}

/** The edit form's values for a rule. */
export function ruleFormValues(rule: SchemaForwardingRuleDto): RuleFormValues {
  return {
    name: rule.name,
    targetUrl: rule.targetUrl,
    events: [rule.eventPattern],
    componentAppid: rule.componentAppid,
    authorizerAppid: rule.authorizerAppid,
    concurrency: rule.concurrency,
    enabled: rule.enabled,
  };
}

/**
 * A PATCH body with what changed, undefined when nothing did. A filter the form emptied is sent as
 * `null` (the API clears it); an emptied name or URL is not sent (they cannot be cleared, and the
 * form requires the URL).
 */
export function updateRuleBody(
  rule: SchemaForwardingRuleDto,
  values: RuleFormValues,
): SchemaUpdateForwardingRuleDto | undefined {
  const body: SchemaUpdateForwardingRuleDto = {};
  const enabled = values.enabled ?? rule.enabled;
  if (enabled !== rule.enabled) body.enabled = enabled;
  const concurrency = values.concurrency ?? rule.concurrency;
  if (concurrency !== rule.concurrency) body.concurrency = concurrency;
  const name = blankToUndefined(values.name);
  if (name !== undefined && name !== rule.name) body.name = name;
  const targetUrl = blankToUndefined(values.targetUrl);
  if (targetUrl !== undefined && targetUrl !== rule.targetUrl) body.targetUrl = targetUrl;
  const eventPattern = patternOf(values.events);
  if (eventPattern !== undefined && eventPattern !== rule.eventPattern) body.eventPattern = eventPattern;
  const componentAppid = filterChange(rule.componentAppid, values.componentAppid);
  if (componentAppid !== undefined) body.componentAppid = componentAppid;
  const authorizerAppid = filterChange(rule.authorizerAppid, values.authorizerAppid);
  if (authorizerAppid !== undefined) body.authorizerAppid = authorizerAppid;
  return Object.keys(body).length > 0 ? body : undefined;
}

/** A filter's PATCH value: the new appid, `null` when the form emptied a set filter, undefined when unchanged. */
function filterChange(
  current: string | undefined,
  value: string | undefined | null,
): string | null | undefined {
  const next = blankToUndefined(value);
  if (next === current) return undefined;
  return next ?? null;
}

/** An event type matching `pattern`, for the test button: `*` and `#` become `test`. */
export function sampleEventType(pattern: string | undefined): string {
  const words = (pattern ?? '')
    .split('.')
    .filter(Boolean)
    .map((word) => (word === '*' || word === '#' ? 'test' : word));
  while (words.length < 2) words.push(words.length === 0 ? 'wxop' : 'test');
  const type = words.join('.');
  return EVENT_TYPE.test(type) ? type : 'wxop.test';
}

/** Failing rules by rule id (the list highlights them). */
export function failingById(
  failing: readonly SchemaFailingRuleDto[] | undefined,
): Map<string, SchemaFailingRuleDto> {
  return new Map((failing ?? []).map((rule) => [rule.ruleId, rule]));
}

/** Seconds the previous secret keeps signing after a rotation (0 when none or over). */
export function overlapSeconds(
  previousSecretExpiresAt: string | undefined,
  now: number = Date.now(),
): number {
  if (!previousSecretExpiresAt) return 0;
  const until = Date.parse(previousSecretExpiresAt);
  if (Number.isNaN(until)) return 0;
  return Math.max(0, Math.round((until - now) / 1000));
}

// ---- The delivery log's filters, kept in the URL (a reload, or a shared link, shows the same log).

export type DeliveryState = SchemaDeliveryDto['state'];
export const DELIVERY_STATES: readonly DeliveryState[] = ['pending', 'delivered', 'failed'];
export const DELIVERY_PAGE_SIZE = 20;

export interface DeliveryFilters {
  state?: DeliveryState;
  eventType?: string;
  /** ISO-8601 */
  since?: string;
  /** ISO-8601 */
  until?: string;
  page: number;
}

function isoOrUndefined(value: string | null): string | undefined {
  if (!value) return undefined;
  return Number.isNaN(Date.parse(value)) ? undefined : value;
}

function pageOf(value: string | null): number {
  const page = Number(value);
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

export function deliveryFiltersFromParams(params: URLSearchParams): DeliveryFilters {
  const state = params.get('state');
  const eventType = params.get('eventType')?.trim();
  return {
    state: (DELIVERY_STATES as readonly string[]).includes(state ?? '')
      ? (state as DeliveryState)
      : undefined,
    eventType: eventType && EVENT_TYPE.test(eventType) ? eventType : undefined,
    since: isoOrUndefined(params.get('since')),
    until: isoOrUndefined(params.get('until')),
    page: pageOf(params.get('page')),
  };
}

export function deliveryFiltersToParams(filters: DeliveryFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.state) params.set('state', filters.state);
  if (filters.eventType) params.set('eventType', filters.eventType);
  if (filters.since) params.set('since', filters.since);
  if (filters.until) params.set('until', filters.until);
  if (filters.page > 1) params.set('page', String(filters.page));
  return params;
}

/** The GET …/deliveries query of the filters (newest first). */
export function deliveryQuery(filters: DeliveryFilters, pageSize = DELIVERY_PAGE_SIZE) {
  return {
    state: filters.state,
    eventType: filters.eventType,
    since: filters.since,
    until: filters.until,
    limit: pageSize,
    offset: (filters.page - 1) * pageSize,
    sort: 'id' as const,
    order: 'desc' as const,
  };
}

/**
 * The POST …/retry-failed body of the filters: the API retries the failed deliveries matching the
 * event type and time range (the state filter does not apply: only failed ones are retried).
 */
export function retryFailedBody(filters: DeliveryFilters): SchemaDeliveryFilterDto {
  const body: SchemaDeliveryFilterDto = {};
  if (filters.eventType) body.eventType = filters.eventType;
  if (filters.since) body.since = filters.since;
  if (filters.until) body.until = filters.until;
  return body;
}
