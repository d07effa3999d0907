import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';

import { filtersToForm, formToFilters } from './push-form';

describe('the push search form', () => {
  it('turns the form into filters from the first page', () => {
    const filters = formToFilters(
      { text: 'old', cursor: 'c2', back: ['c1'] },
      {
        componentAppid: 'wxc',
        authorizerAppid: '  wxa ',
        typeKind: 'event',
        typeValue: 'Weapp_Audit_Fail',
        range: [dayjs('2024-05-01T08:00:00Z'), null],
        text: '  ',
      },
    );
    expect(filters).toEqual({
      componentAppid: 'wxc',
      authorizerAppid: 'wxa',
      type: 'wechat.message.event.weapp_audit_fail',
      from: '2024-05-01T08:00:00.000Z',
      back: [],
    });
  });

  it('shows the filters in the form and gives them back unchanged', () => {
    const filters = {
      componentAppid: 'wxc',
      type: 'wechat.component.*',
      from: '2024-05-01T08:00:00.000Z',
      to: '2024-05-01T09:00:00.000Z',
      text: '审核',
      back: [],
    };
    const form = filtersToForm(filters);
    expect(form.typeKind).toBe('infoType');
    expect(form.typeValue).toBeUndefined();
    expect(form.range?.[1]?.toISOString()).toBe('2024-05-01T09:00:00.000Z');
    expect(formToFilters({ back: [] }, form)).toEqual(filters);
  });

  it('takes a pasted event id, trimmed and lower-cased, and shows it back', () => {
    const filters = formToFilters(
      { back: [] },
      { eventId: ' 0B8C6A1E-5F0E-4C47-9A8E-4D1D1C2F9E11 ', text: '' },
    );
    expect(filters).toEqual({ eventId: '0b8c6a1e-5f0e-4c47-9a8e-4d1d1c2f9e11', back: [] });
    expect(filtersToForm(filters).eventId).toBe('0b8c6a1e-5f0e-4c47-9a8e-4d1d1c2f9e11');
  });

  it('shows no range when the filters have no time', () => {
    expect(filtersToForm({ back: [] }).range).toBeNull();
  });
});
