import { describe, expect, it } from 'vitest';

import {
  eventIdOf,
  filtersFromSearchParams,
  filtersToQuery,
  filtersToSearchParams,
  isValidTypeValue,
  joinType,
  nextPage,
  pageNumber,
  previousPage,
  splitType,
  withFilters,
  type PushFilters,
} from './push-filters';

describe('push filters and the URL', () => {
  it('round-trips every filter through the search params', () => {
    const filters: PushFilters = {
      eventId: '0b8c6a1e-5f0e-4c47-9a8e-4d1d1c2f9e11',
      componentAppid: 'wx1234567890abcdef',
      authorizerAppid: 'wxabcdef1234567890',
      type: 'wechat.message.*',
      from: '2024-05-01T00:00:00.000Z',
      to: '2024-05-02T00:00:00.000Z',
      text: '你好 world',
      cursor: 'aWQ6MTIz',
      back: ['aWQ6NDU2', 'aWQ6Nzg5'],
    };
    const params = filtersToSearchParams(filters);
    expect(params.get('component')).toBe('wx1234567890abcdef');
    expect(params.get('q')).toBe('你好 world');
    expect(params.get('event')).toBe('0b8c6a1e-5f0e-4c47-9a8e-4d1d1c2f9e11');
    expect(params.get('back')).toBe('aWQ6NDU2,aWQ6Nzg5');
    expect(filtersFromSearchParams(new URLSearchParams(params.toString()))).toEqual(filters);
  });

  it('leaves empty filters out of the URL', () => {
    expect(filtersToSearchParams({ back: [] }).toString()).toBe('');
    expect(filtersToSearchParams({ text: '', back: ['x'] }).toString()).toBe('');
  });

  it('drops values the API would refuse instead of failing the page', () => {
    const filters = filtersFromSearchParams(
      new URLSearchParams(
        'component=wx%20bad&type=Wechat.Message&from=yesterday&to=2024-05-02&q=%20%20&cursor=a%2Fb&event=42',
      ),
    );
    expect(filters).toEqual({ to: new Date('2024-05-02').toISOString(), back: [] });
  });

  it('ignores a back list without a cursor (the first page has no earlier pages)', () => {
    expect(filtersFromSearchParams(new URLSearchParams('back=aWQ6NDU2'))).toEqual({ back: [] });
  });

  it('cuts the free text at the API limit', () => {
    const filters = filtersFromSearchParams(new URLSearchParams({ q: 'x'.repeat(150) }));
    expect(filters.text).toHaveLength(100);
  });
});

describe('event ids', () => {
  it('takes an envelope id as the bus has it or in capitals, lower-cased, and nothing else', () => {
    const id = '0b8c6a1e-5f0e-4c47-9a8e-4d1d1c2f9e11';
    expect(eventIdOf(` ${id.toUpperCase()} `)).toBe(id);
    expect(eventIdOf(id)).toBe(id);
    for (const bad of ['', '  ', '0b8c6a1e', `${id}x`, 'not-a-uuid', null, undefined])
      expect(eventIdOf(bad)).toBeUndefined();
  });

  it('reads a linked event id (lower-cased) and sends it as the API filter', () => {
    const filters = filtersFromSearchParams(
      new URLSearchParams('event=0B8C6A1E-5F0E-4C47-9A8E-4D1D1C2F9E11'),
    );
    expect(filters).toEqual({ eventId: '0b8c6a1e-5f0e-4c47-9a8e-4d1d1c2f9e11', back: [] });
    expect(filtersToQuery(filters, 20)).toEqual({
      limit: 20,
      eventId: '0b8c6a1e-5f0e-4c47-9a8e-4d1d1c2f9e11',
    });
  });
});

describe('push filters and the API query', () => {
  it('sends only the filters that are set, with the page size and cursor', () => {
    expect(filtersToQuery({ back: [] }, 20)).toEqual({ limit: 20 });
    expect(
      filtersToQuery(
        { componentAppid: 'wxc', type: 'wechat.message.text', text: 'hi', cursor: 'abc', back: ['def'] },
        50,
      ),
    ).toEqual({ limit: 50, componentAppid: 'wxc', type: 'wechat.message.text', text: 'hi', cursor: 'abc' });
  });
});

describe('keyset paging', () => {
  const first: PushFilters = { type: 'wechat.component.*', back: [] };

  it('walks forward and back through the cursors', () => {
    const second = nextPage(first, 'c1');
    expect(second).toEqual({ type: 'wechat.component.*', cursor: 'c1', back: [] });
    const third = nextPage(second, 'c2');
    expect(third).toEqual({ type: 'wechat.component.*', cursor: 'c2', back: ['c1'] });
    expect(pageNumber(first)).toBe(1);
    expect(pageNumber(second)).toBe(2);
    expect(pageNumber(third)).toBe(3);
    expect(previousPage(third)).toEqual(second);
    expect(previousPage(second)).toEqual(first);
  });

  it('returns to the first page when a filter changes', () => {
    const third = nextPage(nextPage(first, 'c1'), 'c2');
    expect(withFilters(third, { text: 'hello' })).toEqual({
      type: 'wechat.component.*',
      text: 'hello',
      back: [],
    });
    expect(withFilters(third, { type: undefined })).toEqual({ back: [] });
  });
});

describe('type kinds', () => {
  it('joins a kind and a value into a routing key, lower-cased as the router does', () => {
    expect(joinType('infoType', 'Authorized')).toBe('wechat.component.authorized');
    expect(joinType('msgType', 'text')).toBe('wechat.message.text');
    expect(joinType('event', 'weapp_audit_success')).toBe('wechat.message.event.weapp_audit_success');
    expect(joinType('type', 'wechat.message.*')).toBe('wechat.message.*');
  });

  it('makes a kind without a value a prefix', () => {
    expect(joinType('infoType', '')).toBe('wechat.component.*');
    expect(joinType('event', undefined)).toBe('wechat.message.event.*');
    expect(joinType('type', ' ')).toBeUndefined();
    expect(joinType(undefined, 'text')).toBeUndefined();
  });

  it('splits a routing key back into the form (the inverse of joinType)', () => {
    for (const [kind, value] of [
      ['infoType', 'component_verify_ticket'],
      ['msgType', 'text'],
      ['event', 'weapp_audit_fail'],
      ['event', undefined],
      ['msgType', undefined],
    ] as const) {
      const type = joinType(kind, value);
      expect(splitType(type)).toEqual(value ? { kind, value } : { kind });
    }
  });

  it('keeps a type it cannot split as typed', () => {
    expect(splitType('wechat.component.a.b')).toEqual({ kind: 'type', value: 'wechat.component.a.b' });
    expect(splitType('wechat.*')).toEqual({ kind: 'type', value: 'wechat.*' });
    expect(splitType(undefined)).toEqual({});
  });

  it('checks values the way the API checks type', () => {
    expect(isValidTypeValue('msgType', 'text')).toBe(true);
    expect(isValidTypeValue('msgType', 'te.xt')).toBe(false);
    expect(isValidTypeValue('event', 'a*')).toBe(false);
    expect(isValidTypeValue('type', 'wechat.message.*')).toBe(true);
    expect(isValidTypeValue('type', 'wechat.*.text')).toBe(false);
    expect(isValidTypeValue('infoType', '')).toBe(true);
  });
});
