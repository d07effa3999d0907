/** What replaces a credential in a log line. */
export const CENSOR = '[REDACTED]';

/**
 * Names of credentials, as WeChat and this codebase spell them (`access_token`,
 * `component_verify_ticket`, `ComponentVerifyTicket`, `AuthorizationCode`, `PreAuthCode`,
 * `auth_code`, `componentSecret`, `encodingAesKey`, `x-api-key`, …): matched inside a name, any case.
 */
const NAME_PARTS = String.raw`secret|token|ticket|passw(?:or)?d|authorization_?code|auth_?code|echostr|aes[_-]?key|api[_-]?key`;
const NAME = String.raw`[\w-]*(?:${NAME_PARTS})[\w-]*`;

/**
 * A field whose value is a credential. Narrower than NAME in two places, on purpose: `ticket`
 * only at the end (`ticketReceivedAt` is a time, `currentTicket` a ticket), and `authorization`
 * only as the whole header name (`authorizationStatus` is not secret). A plain `code` field is an
 * error code, so it stays; the landing page's `?code=` is caught in request lines instead.
 */
const SECRET_KEY =
  /secret|token|tickets?$|passw(?:or)?d|^authorization$|authorization_?code|auth_?code|echostr|aes[_-]?key|api[_-]?key|cookie|^key$/i;

/** Fields named like a credential that hold facts about it (`tokenExpiresAt`, `tokenState`). */
const FACT_ABOUT_SECRET = /[a-z](?:At|Ms|Seconds|Count|Type|Kind|Source|State|Status)$/;

/** True when a field of this name holds a credential. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !FACT_ABOUT_SECRET.test(key);
}

/** Query parameters whose values are credentials; `code` and `key` only as whole names. */
const SECRET_QUERY = new RegExp(String.raw`([?&](?:${NAME}|code|key)=)[^&#\s]*`, 'gi');

/**
 * A cheap first test, so that the usual string (no credential name in it) costs one scan
 * and no replacement.
 */
const MIGHT_HOLD_SECRET = new RegExp(String.raw`${NAME_PARTS}|bearer|[?&]code=|[?&]key=`, 'i');

/** Where credentials sit inside free text: error messages, stacks, response bodies. */
const TEXT_PATTERNS: [RegExp, string][] = [
  // key=value in URLs and forms ("…/api_query_auth?component_access_token=…")
  [
    new RegExp(String.raw`(\b${NAME}=|[?&](?:code|key)=)(?!\[REDACTED\])[^&\s"'<>#,;)\]}]+`, 'gi'),
    `$1${CENSOR}`,
  ],
  // "key":"value" in JSON, also once escaped (a JSON body quoted inside a JSON string)
  [new RegExp(String.raw`(\\?")(${NAME})\1(\s*:\s*)\1[^"\\]*\1`, 'gi'), `$1$2$1$3$1${CENSOR}$1`],
  // key: 'value' as util.inspect prints an object
  [new RegExp(String.raw`(\b${NAME}['"]?\s*:\s*)'[^']*'`, 'gi'), `$1'${CENSOR}'`],
  // <ComponentVerifyTicket><![CDATA[…]]></ComponentVerifyTicket> in a push's XML
  [new RegExp(String.raw`<(${NAME})>(?:<!\[CDATA\[[\s\S]*?\]\]>|[^<]*)</\1>`, 'gi'), `<$1>${CENSOR}</$1>`],
  // Authorization: Bearer …
  [/(\bbearer\s+)[^\s"',;]+/gi, `$1${CENSOR}`],
];

/** Removes credentials from a URL before it is logged (WeChat puts tokens and codes in query strings). */
export function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined || url.indexOf('?') < 0) return url;
  return url.replace(SECRET_QUERY, `$1${CENSOR}`);
}

/** Removes credentials written inside free text: `key=value`, `"key":"value"`, XML elements, bearer tokens. */
export function scrubText(text: string): string {
  if (!MIGHT_HOLD_SECRET.test(text)) return text;
  let scrubbed = text;
  for (const [pattern, replacement] of TEXT_PATTERNS) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
}

/** Deeper than pino's own depth limit (5), so every level pino prints is walked. */
const MAX_DEPTH = 8;

/**
 * A copy of a log line's fields with credentials censored: by field name at any depth, inside
 * strings (scrubText), and in errors (message, stack, own fields and the `cause` chain). Objects
 * without credentials come back as they are, unchanged and not copied, so the common line costs
 * one walk and no allocation.
 */
export function redactFields<T>(value: T): T {
  return redact(value, 0, false) as T;
}

function redact(value: unknown, depth: number, secret: boolean): unknown {
  if (typeof value === 'string') return secret ? CENSOR : scrubText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) return '[...]';
  if (value instanceof Error) return redactError(value, depth, secret);
  if (ArrayBuffer.isView(value)) return secret ? CENSOR : value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const redacted = redact(item, depth + 1, secret);
      if (redacted !== item) (copy ??= value.slice())[i] = redacted;
    }
    return copy ?? value;
  }
  // Dates and the like print through toJSON; under a credential's name they go entirely.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return secret ? CENSOR : value;
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    const field = record[key];
    const redacted = redact(field, depth + 1, secret || isSecretKey(key));
    if (redacted !== field) (copy ??= { ...record })[key] = redacted;
  }
  return copy ?? value;
}

/** An error as pino's serializer prints it (type, message, stack, own fields), censored, with its causes. */
function redactError(error: Error, depth: number, secret: boolean): Record<string, unknown> {
  const printed: Record<string, unknown> = {
    type: error.constructor?.name ?? error.name,
    message: scrubText(error.message),
    stack: error.stack === undefined ? undefined : scrubText(error.stack),
  };
  const fields = error as unknown as Record<string, unknown>;
  for (const key in fields) {
    if (key in printed || !Object.prototype.hasOwnProperty.call(fields, key)) continue;
    printed[key] = redact(fields[key], depth + 1, secret || isSecretKey(key));
  }
  // Neither is enumerable on built-in errors, and both can carry the underlying message.
  if (error.cause !== undefined) printed['cause'] = redact(error.cause, depth + 1, secret);
  const aggregated = (error as { errors?: unknown }).errors;
  if (Array.isArray(aggregated)) printed['errors'] = redact(aggregated, depth + 1, secret);
  return printed;
}
