import {
  Equals,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { randomUUID } from 'node:crypto';

/** The JSON every message on `wxop.events` carries (CONTRACT.md §2). PUBLIC CONTRACT. */
export interface EventEnvelope<TData = Record<string, unknown>, TType extends string = string> {
  /** Unique per event; consumers deduplicate on it. Deterministic for raw pushes. */
  id: string;
  /** Equals the routing key. */
  type: TType;
  /** Payload schema version of this type. */
  version: number;
  /** ISO-8601 time the fact happened. */
  occurredAt: string;
  componentAppid: string;
  /** Absent where no authorizer is involved. */
  authorizerAppid?: string;
  /** Id of the event that caused this one, if any. */
  correlationId?: string;
  /**
   * Set only on a push an operator replayed from admin-api's push log: the `id` of the original
   * event (the replay has a new `id`, so inboxes process it). Contract addition of 0.5.0.
   */
  replayOf?: string;
  data: TData;
}

export const APPID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Validation class of the envelope's outer fields (`data` is validated per type). */
export class EventEnvelopeDto<TData extends object = object> implements EventEnvelope<TData> {
  @Matches(UUID_PATTERN, { message: 'id must be a lower-case UUID' })
  id!: string;

  @Matches(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, { message: 'type must be a dotted lower-case routing key' })
  @MaxLength(255)
  type!: string;

  @Equals(1, { message: 'version must be 1' })
  version!: number;

  @IsISO8601({ strict: true })
  occurredAt!: string;

  @Matches(APPID_PATTERN)
  componentAppid!: string;

  @IsOptional()
  @Matches(APPID_PATTERN)
  authorizerAppid?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  correlationId?: string;

  @IsOptional()
  @Matches(UUID_PATTERN, { message: 'replayOf must be a lower-case UUID' })
  replayOf?: string;

  /** Validated against its type's payload class by `envelopeViolations`. */
  @IsObject()
  data!: TData;
}

export interface CreateEnvelopeOptions {
  componentAppid: string;
  authorizerAppid?: string;
  correlationId?: string;
  /** The id of the event this one replays (admin-api's push-log replay). */
  replayOf?: string;
  /** Defaults to a random UUID; raw pushes pass `rawPushId(...)`. */
  id?: string;
  /** Defaults to now. */
  occurredAt?: Date;
}

/** Builds an envelope with the fields CONTRACT.md requires, leaving absent optionals out of the JSON. */
export function createEnvelope<TType extends string, TData>(
  type: TType,
  data: TData,
  options: CreateEnvelopeOptions,
): EventEnvelope<TData, TType> {
  const envelope: EventEnvelope<TData, TType> = {
    id: options.id ?? randomUUID(),
    type,
    version: 1,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    componentAppid: options.componentAppid,
    data,
  };
  if (options.authorizerAppid !== undefined) envelope.authorizerAppid = options.authorizerAppid;
  if (options.correlationId !== undefined) envelope.correlationId = options.correlationId;
  if (options.replayOf !== undefined) envelope.replayOf = options.replayOf;
  return envelope;
}
