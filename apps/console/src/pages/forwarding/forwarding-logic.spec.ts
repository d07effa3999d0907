import { describe, expect, it } from 'vitest';

import type { SchemaForwardingRuleDto } from '../../api/schema';
import {
  PATTERN,
  createRuleBody,
  defaultRuleName,
  deliveryFiltersFromParams,
  deliveryFiltersToParams,
  deliveryQuery,
  failingById,
  overlapSeconds,
  patternOf,
  retryFailedBody,
  ruleFormValues,
  sampleEventType,
  updateRuleBody,
} from './forwarding-logic';

const RULE: SchemaForwardingRuleDto = {
  id: '0b7c8f4e-0000-4000-8000-000000000001',
  name: 'billing',
  eventPattern: 'authorization.*',
  targetUrl: 'https://hooks.example.com/wxop',
  enabled: true,
  concurrency: 4,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

describe('createRuleBody', () => {
  it('sends the receiver URL and the one pattern, trimmed, with the defaults', () => {
    expect(
      createRuleBody({
        name: ' billing ',
        targetUrl: ' https://h.example.com/x ',
        events: ['authorization.*'],
      }),
    ).toEqual({
      name: 'billing',
      eventPattern: 'authorization.*',
      targetUrl: 'https://h.example.com/x',
      componentAppid: undefined,
      authorizerAppid: undefined,
      enabled: true,
      concurrency: 4,
    });
  });

  it('names the rule from its pattern and host when the name is blank', () => {
    const body = createRuleBody({ name: '  ', targetUrl: 'https://h.example.com:8443/x', events: ['#'] });
    expect(body.name).toBe('# → h.example.com:8443');
  });

  it('keeps the filters and the chosen concurrency, and a disabled rule disabled', () => {
    const body = createRuleBody({
      targetUrl: 'http://10.0.0.1/hook',
      events: ['release.#'],
      componentAppid: 'wxcomp',
      authorizerAppid: ' wxauth ',
      concurrency: 16,
      enabled: false,
    });
    expect(body).toMatchObject({
      componentAppid: 'wxcomp',
      authorizerAppid: 'wxauth',
      concurrency: 16,
      enabled: false,
    });
  });

  it('takes the last tag typed as the pattern', () => {
    expect(patternOf(['a.b', ' c.* '])).toBe('c.*');
    expect(patternOf([])).toBeUndefined();
    expect(patternOf(['  '])).toBeUndefined();
  });
});

describe('defaultRuleName', () => {
  it('falls back to the text when the URL does not parse, and fits the 128 limit', () => {
    expect(defaultRuleName('not a url', 'a.b')).toBe('a.b → not a url');
    expect(defaultRuleName(`https://${'h'.repeat(200)}.example.com/`, 'a.b').length).toBe(128);
  });
});

describe('PATTERN', () => {
  it('accepts binding keys and refuses the rest', () => {
    for (const ok of ['#', '*', 'authorization.*', 'release.#', 'a_b.c1'])
      expect(PATTERN.test(ok)).toBe(true);
    for (const bad of ['', 'A.b', 'a..b', 'a.b.', 'a b', 'a.*x']) expect(PATTERN.test(bad)).toBe(false);
  });
});

describe('updateRuleBody', () => {
  it('is undefined when nothing changed', () => {
    expect(updateRuleBody(RULE, ruleFormValues(RULE))).toBeUndefined();
  });

  it('sends only what changed', () => {
    expect(
      updateRuleBody(RULE, { ...ruleFormValues(RULE), targetUrl: 'https://new.example.com', events: ['#'] }),
    ).toEqual({ targetUrl: 'https://new.example.com', eventPattern: '#' });
  });

  it('sends a toggle of enabled alone, and a changed concurrency alone', () => {
    expect(updateRuleBody(RULE, { ...ruleFormValues(RULE), enabled: false })).toEqual({ enabled: false });
    expect(updateRuleBody(RULE, { ...ruleFormValues(RULE), concurrency: 8 })).toEqual({ concurrency: 8 });
  });

  it('clears an emptied filter with null, and sets a new one trimmed', () => {
    const rule = { ...RULE, componentAppid: 'wxcomp', authorizerAppid: 'wxauth' };
    expect(
      updateRuleBody(rule, { ...ruleFormValues(rule), componentAppid: undefined, authorizerAppid: '  ' }),
    ).toEqual({ componentAppid: null, authorizerAppid: null });
    expect(updateRuleBody(RULE, { ...ruleFormValues(RULE), authorizerAppid: ' wxnew ' })).toEqual({
      authorizerAppid: 'wxnew',
    });
  });

  it('does not send a cleared name or URL (they cannot be cleared), nor a filter that was never set', () => {
    expect(
      updateRuleBody(RULE, { ...ruleFormValues(RULE), name: ' ', targetUrl: '', componentAppid: '' }),
    ).toBeUndefined();
  });
});

describe('sampleEventType', () => {
  it('fills wildcards so the test event matches the pattern', () => {
    expect(sampleEventType('authorization.*')).toBe('authorization.test');
    expect(sampleEventType('release.#')).toBe('release.test');
    expect(sampleEventType('#')).toBe('test.test');
    expect(sampleEventType('authorization.authorized')).toBe('authorization.authorized');
    expect(sampleEventType('wechat')).toBe('wechat.test');
    expect(sampleEventType(undefined)).toBe('wxop.test');
  });
});

describe('failingById', () => {
  it('indexes the failing rules by rule id', () => {
    const map = failingById([{ ruleId: 'r1', name: 'one', failedDeliveries: 3, consecutiveFailures: 2 }]);
    expect(map.get('r1')?.failedDeliveries).toBe(3);
    expect(map.has('r2')).toBe(false);
    expect(failingById(undefined).size).toBe(0);
  });
});

describe('overlapSeconds', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('counts the seconds left of the previous secret', () => {
    expect(overlapSeconds('2025-01-01T01:00:00Z', now)).toBe(3600);
  });
  it('is 0 when there is none, it is over, or the time does not parse', () => {
    expect(overlapSeconds(undefined, now)).toBe(0);
    expect(overlapSeconds('2024-12-31T23:00:00Z', now)).toBe(0);
    expect(overlapSeconds('soon', now)).toBe(0);
  });
});

describe('delivery filters in the URL', () => {
  it('round-trips through search params', () => {
    const filters = {
      state: 'failed' as const,
      eventType: 'authorization.authorized',
      since: '2025-01-01T00:00:00.000Z',
      until: '2025-01-02T00:00:00.000Z',
      page: 3,
    };
    expect(deliveryFiltersFromParams(deliveryFiltersToParams(filters))).toEqual(filters);
  });

  it('leaves out empty filters and page 1', () => {
    expect(deliveryFiltersToParams({ page: 1 }).toString()).toBe('');
  });

  it('ignores values the API would refuse', () => {
    expect(
      deliveryFiltersFromParams(new URLSearchParams('state=lost&eventType=Bad&since=yesterday&page=-2')),
    ).toEqual({ state: undefined, eventType: undefined, since: undefined, until: undefined, page: 1 });
  });

  it('maps to the list query (newest first) and to the bulk retry body (no state)', () => {
    const filters = {
      state: 'failed' as const,
      eventType: 'a.b',
      since: '2025-01-01T00:00:00.000Z',
      page: 2,
    };
    expect(deliveryQuery(filters, 20)).toEqual({
      state: 'failed',
      eventType: 'a.b',
      since: '2025-01-01T00:00:00.000Z',
      until: undefined,
      limit: 20,
      offset: 20,
      sort: 'id',
      order: 'desc',
    });
    expect(retryFailedBody(filters)).toEqual({ eventType: 'a.b', since: '2025-01-01T00:00:00.000Z' });
    expect(retryFailedBody({ page: 1 })).toEqual({});
  });
});
