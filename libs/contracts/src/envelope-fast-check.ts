import { APPID_PATTERN, UUID_PATTERN } from './envelope';

/** The routing-key rule of `EventEnvelopeDto.type`. */
const TYPE_PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;
/**
 * What `Date#toISOString` writes, years 1000–9999: the only occurredAt the fast path accepts
 * (validator re-reads the year as a number, so it refuses years with a leading zero).
 */
const ISO_MS_PATTERN = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** `RawPushData.raw`'s MaxLength. */
export const RAW_PUSH_MAX_LENGTH = 1024 * 1024;

/**
 * A hand-written check of the envelope's outer fields that accepts only what `EventEnvelopeDto`'s
 * class-validator rules accept (never more): the common, well-formed envelope, as every service
 * publishes it. `envelopeViolations` asks it first and falls back to class-validator when it says
 * no, so rejections and their messages are class-validator's, unchanged, while a valid envelope
 * costs a few regex tests instead of a class-transformer copy and a metadata walk (about a tenth
 * of admin-api's CPU per push before, issue #14). Stricter than the DTO on purpose where that is
 * simpler: `occurredAt` must be in `toISOString` form, an optional field must be absent (not null).
 */
export function outerFieldsSurelyValid(envelope: Record<string, unknown>): boolean {
  const { id, type, version, occurredAt, componentAppid, authorizerAppid, correlationId, replayOf, data } =
    envelope;
  return (
    typeof id === 'string' &&
    UUID_PATTERN.test(id) &&
    typeof type === 'string' &&
    type.length <= 255 &&
    TYPE_PATTERN.test(type) &&
    version === 1 &&
    typeof occurredAt === 'string' &&
    isCanonicalIsoTime(occurredAt) &&
    typeof componentAppid === 'string' &&
    APPID_PATTERN.test(componentAppid) &&
    (authorizerAppid === undefined ||
      (typeof authorizerAppid === 'string' && APPID_PATTERN.test(authorizerAppid))) &&
    (correlationId === undefined ||
      (typeof correlationId === 'string' && correlationId.length > 0 && correlationId.length <= 255)) &&
    (replayOf === undefined || (typeof replayOf === 'string' && UUID_PATTERN.test(replayOf))) &&
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data)
  );
}

/** Whether a raw push's `data` surely passes `RawPushData` (`raw` a non-empty string within its MaxLength). */
export function rawPushDataSurelyValid(data: Record<string, unknown>): boolean {
  const raw = data['raw'];
  // String length counts UTF-16 units, never fewer than validator's isLength counts characters.
  return typeof raw === 'string' && raw.length > 0 && raw.length <= RAW_PUSH_MAX_LENGTH;
}

/** `YYYY-MM-DDTHH:MM:SS.sssZ` naming a real instant (no 24:00, no 31 April): what toISOString gives back. */
function isCanonicalIsoTime(value: string): boolean {
  if (!ISO_MS_PATTERN.test(value)) return false;
  const time = Date.parse(value);
  return !Number.isNaN(time) && new Date(time).toISOString() === value;
}
