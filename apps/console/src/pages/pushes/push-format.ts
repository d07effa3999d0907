/** Fields every push has that say nothing about what it is (shown in the detail, not the list). */
const ROUTINE = new Set(['ToUserName', 'FromUserName', 'CreateTime', 'AppId', 'MsgId', 'Encrypt']);
/** Fields that say what a push is, first. */
const TELLING = ['InfoType', 'MsgType', 'Event', 'Content', 'AuthorizerAppid', 'Reason', 'FailReason'];

/** A field value as text: strings as they are, anything else as JSON. */
export function fieldText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** One line that tells pushes apart in the list: `Event=weapp_audit_fail · Reason=…`, cut at `max`. */
export function fieldPreview(fields: Record<string, unknown>, max = 120): string {
  const keys = Object.keys(fields).filter((key) => !ROUTINE.has(key));
  const ordered = [
    ...TELLING.filter((key) => keys.includes(key)),
    ...keys.filter((key) => !TELLING.includes(key)).sort(),
  ];
  const text = ordered
    .map((key) => `${key}=${fieldText(fields[key])}`)
    .filter((part) => !part.endsWith('='))
    .join(' · ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The fields in the order the detail shows them: telling ones first, then the rest by name. */
export function orderedFields(fields: Record<string, unknown>): Array<[string, string]> {
  const keys = Object.keys(fields);
  return [
    ...TELLING.filter((key) => keys.includes(key)),
    ...keys.filter((key) => !TELLING.includes(key)).sort(),
  ].map((key) => [key, fieldText(fields[key])]);
}
