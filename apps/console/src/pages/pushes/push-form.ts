import dayjs, { type Dayjs } from 'dayjs';

import { eventIdOf, joinType, splitType, withFilters, type PushFilters, type TypeKind } from './push-filters';

/** The search form's fields. */
export interface PushFormValues {
  /** An envelope id from the bus (a subscriber's log, X-Wxop-Event-Id). */
  eventId?: string;
  componentAppid?: string;
  authorizerAppid?: string;
  typeKind?: TypeKind;
  typeValue?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
  text?: string;
}

/** The form showing these filters. */
export function filtersToForm(filters: PushFilters): PushFormValues {
  const { kind, value } = splitType(filters.type);
  const from = filters.from ? dayjs(filters.from) : null;
  const to = filters.to ? dayjs(filters.to) : null;
  return {
    eventId: filters.eventId,
    componentAppid: filters.componentAppid,
    authorizerAppid: filters.authorizerAppid,
    typeKind: kind,
    typeValue: value,
    range: from || to ? [from, to] : null,
    text: filters.text,
  };
}

/** The filters a submitted form asks for (from the first page). */
export function formToFilters(current: PushFilters, values: PushFormValues): PushFilters {
  const [from, to] = values.range ?? [null, null];
  return withFilters(current, {
    eventId: eventIdOf(values.eventId),
    componentAppid: values.componentAppid || undefined,
    authorizerAppid: values.authorizerAppid?.trim() || undefined,
    type: joinType(values.typeKind, values.typeValue),
    from: from?.isValid() ? from.toISOString() : undefined,
    to: to?.isValid() ? to.toISOString() : undefined,
    text: values.text?.trim() || undefined,
  });
}
