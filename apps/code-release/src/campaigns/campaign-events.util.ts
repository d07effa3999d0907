import { createEnvelope, uuidV5, type EventEnvelope } from '@wxop/contracts';

/** Namespace of the name-based ids of campaign events (never change: ids must stay stable across replicas). */
const CAMPAIGN_EVENT_NAMESPACE = '6f9b7a52-3c1e-4b8e-9d2a-1f0e5c7b9a31';

export interface TargetEventRef {
  componentAppid: string;
  campaignId: string;
  authorizerAppid: string;
  /** The target's retry count: a retried target's events are new events. */
  attempt: number;
}

/**
 * A `release.*` event of one target with a deterministic id (campaign, mini program, type, attempt,
 * and `discriminator` such as the audit id or gray step): a step repeated after a crash writes the
 * same id, which the outbox keeps once and subscribers' inboxes drop.
 */
export function targetEvent<TData>(
  type: string,
  ref: TargetEventRef,
  data: TData,
  discriminator = '',
): EventEnvelope<TData> {
  return createEnvelope(type, data, {
    componentAppid: ref.componentAppid,
    authorizerAppid: ref.authorizerAppid,
    id: uuidV5(
      [ref.campaignId, ref.authorizerAppid, type, ref.attempt, discriminator].join('|'),
      CAMPAIGN_EVENT_NAMESPACE,
    ),
  });
}

/** A `release.campaign.*` event; `discriminator` separates repeated pauses. */
export function campaignEvent<TData>(
  type: string,
  componentAppid: string,
  campaignId: string,
  data: TData,
  discriminator = '',
): EventEnvelope<TData> {
  return createEnvelope(type, data, {
    componentAppid,
    id: uuidV5([campaignId, type, discriminator].join('|'), CAMPAIGN_EVENT_NAMESPACE),
  });
}

/**
 * The discriminator of a campaign's `release.campaign.finished`: empty for the first run (the id
 * it always had), `generation|N` after the N-th retry, so a campaign finishing again after a retry
 * sends a new event while a crash-repeated finish of the same run keeps its id.
 */
export function finishedDiscriminator(generation: number): string {
  return generation > 0 ? `generation|${generation}` : '';
}

/**
 * The discriminator of a campaign's automatic `release.campaign.paused`: the reason and the
 * rejections that tripped it, and after the N-th retry its generation, so a pause of a retried and
 * resumed campaign at the same count is a new event rather than one the outbox drops as a repeat.
 */
export function pauseDiscriminator(reason: string, rejected: number, generation: number): string {
  const discriminator = `${reason}|${rejected}`;
  return generation > 0 ? `${discriminator}|${finishedDiscriminator(generation)}` : discriminator;
}
