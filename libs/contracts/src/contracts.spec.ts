import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { createEnvelope } from './envelope';
import {
  assertValidEnvelope,
  ContractViolationError,
  DOMAIN_EVENT_SPECS,
  envelopeViolations,
} from './event-registry';
import { rawPushDedupKey, rawPushId, uuidV5 } from './push-id';
import {
  componentPushType,
  DomainEventTypes,
  EVENTS_EXCHANGE,
  messageEventType,
  messagePushType,
  topicMatches,
} from './routing-keys';

const fixturesDir = join(__dirname, '..', 'fixtures', 'events');
const fixtureFiles = readdirSync(fixturesDir).filter((name) => name.endsWith('.json'));
const loadFixture = (type: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(fixturesDir, `${type}.json`), 'utf8')) as Record<string, unknown>;

describe('event fixtures', () => {
  it('exist for every domain event type of CONTRACT.md §2', () => {
    for (const type of Object.values(DomainEventTypes)) {
      expect(fixtureFiles).toContain(`${type}.json`);
    }
    expect(Object.keys(DOMAIN_EVENT_SPECS).sort()).toEqual(Object.values(DomainEventTypes).sort());
  });

  it.each(fixtureFiles)('%s is a valid envelope whose type matches its file name', (file) => {
    const envelope = JSON.parse(readFileSync(join(fixturesDir, file), 'utf8')) as { type: string };
    expect(envelopeViolations(envelope)).toEqual([]);
    expect(`${envelope.type}.json`).toBe(file);
  });

  it.each(Object.values(DomainEventTypes))('%s: dropping a required data field is a violation', (type) => {
    const envelope = loadFixture(type);
    const data = envelope['data'] as Record<string, unknown>;
    // Optional by contract: bizRef everywhere, and the errcode of authorization.failed (WeChat may give none).
    const optional = new Set([
      'bizRef',
      ...(type === DomainEventTypes.AuthorizationFailed ? ['errcode'] : []),
    ]);
    const required = Object.keys(data).filter((key) => !optional.has(key));
    for (const key of required) {
      const { [key]: _removed, ...rest } = data;
      const violations = envelopeViolations({ ...envelope, data: rest });
      expect(violations.some((line) => line.startsWith(`data.${key}`))).toBe(true);
    }
  });
});

describe(envelopeViolations.name, () => {
  const valid = loadFixture('authorization.authorized');

  it('tolerates unknown fields in the envelope and in data', () => {
    expect(
      envelopeViolations({ ...valid, extra: 1, data: { ...(valid['data'] as object), somethingNew: true } }),
    ).toEqual([]);
  });

  it.each([
    ['a non-UUID id', { id: 'abc' }, 'id'],
    ['an upper-case type', { type: 'Authorization.Authorized' }, 'type'],
    ['version 2', { version: 2 }, 'version'],
    ['a non-ISO time', { occurredAt: 'yesterday' }, 'occurredAt'],
    ['a missing component appid', { componentAppid: undefined }, 'componentAppid'],
    ['data that is not an object', { data: 'x' }, 'data'],
    ['a missing authorizer appid', { authorizerAppid: undefined }, 'authorizerAppid'],
  ])('reports %s', (_name, patch, field) => {
    const violations = envelopeViolations({ ...valid, ...patch });
    expect(violations.some((line) => line.startsWith(field))).toBe(true);
  });

  it('reports a wrong authorizer type and a non-integer permission set together', () => {
    const violations = envelopeViolations({
      ...valid,
      data: { ...(valid['data'] as object), authorizerType: 'website', funcInfo: [1, 'x'] },
    });
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^data\.authorizerType/),
        expect.stringMatching(/^data\.funcInfo/),
      ]),
    );
  });

  it('refuses an authorizer on release.campaign.finished', () => {
    const envelope = { ...loadFixture('release.campaign.finished'), authorizerAppid: 'wx1' };
    expect(envelopeViolations(envelope)).toEqual([
      'authorizerAppid: must be absent for release.campaign.finished',
    ]);
  });

  it('requires raw on raw pushes', () => {
    const envelope = loadFixture('wechat.message.text');
    const { raw: _raw, ...data } = envelope['data'] as Record<string, unknown>;
    expect(envelopeViolations({ ...envelope, data })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^data\.raw/)]),
    );
  });

  it('checks only the outer fields of a type this version does not know', () => {
    expect(envelopeViolations({ ...valid, type: 'billing.invoice.paid', data: { anything: 1 } })).toEqual([]);
  });

  it.each([null, [], 'text', 42])('rejects %p as an envelope', (value) => {
    expect(envelopeViolations(value)).toEqual(['envelope: must be a JSON object']);
  });
});

describe(assertValidEnvelope.name, () => {
  it('throws a ContractViolationError listing every violation', () => {
    expect(() => assertValidEnvelope({ id: 'x' })).toThrow(ContractViolationError);
    try {
      assertValidEnvelope({ id: 'x' });
    } catch (error) {
      expect((error as ContractViolationError).violations.length).toBeGreaterThan(3);
    }
  });
});

describe(createEnvelope.name, () => {
  it('builds a valid envelope and omits absent optional fields', () => {
    const sut = createEnvelope(
      DomainEventTypes.TokenAuthorizerInvalid,
      { errcode: 61023 },
      {
        componentAppid: 'wx1234567890abcdef',
        authorizerAppid: 'wxfedcba0987654321',
        occurredAt: new Date(0),
      },
    );
    expect(envelopeViolations(sut)).toEqual([]);
    expect(sut.occurredAt).toBe('1970-01-01T00:00:00.000Z');
    expect('correlationId' in sut).toBe(false);
    expect(JSON.parse(JSON.stringify(sut))).toEqual(sut);
  });
});

describe('replayOf (contract addition 0.5.0)', () => {
  const original = createEnvelope(
    'wechat.component.authorized',
    { AppId: 'wx1234567890abcdef', InfoType: 'authorized', raw: '<xml/>' },
    { componentAppid: 'wx1234567890abcdef' },
  );

  it('accepts a replay that names its original, with a new id', () => {
    const sut = createEnvelope(original.type, original.data, {
      componentAppid: original.componentAppid,
      replayOf: original.id,
    });
    expect(sut.id).not.toBe(original.id);
    expect(sut.replayOf).toBe(original.id);
    expect(envelopeViolations(sut)).toEqual([]);
  });

  it('refuses a replayOf that is not an event id', () => {
    expect(envelopeViolations({ ...original, replayOf: 'yesterday' })).toEqual([
      expect.stringContaining('replayOf'),
    ]);
  });

  it('leaves replayOf out of ordinary events', () => {
    expect('replayOf' in original).toBe(false);
  });
});

describe('routing keys', () => {
  it('keeps the public names', () => {
    expect(EVENTS_EXCHANGE).toBe('wxop.events');
    expect(componentPushType('component_verify_ticket')).toBe('wechat.component.component_verify_ticket');
    expect(messagePushType('text')).toBe('wechat.message.text');
  });

  it('lower-cases WeChat values', () => {
    expect(messageEventType('CLICK')).toBe('wechat.message.event.click');
    expect(messageEventType('TEMPLATESENDJOBFINISH')).toBe('wechat.message.event.templatesendjobfinish');
  });

  it.each(['', 'a.b', 'a b', 'a#', '*', 'x\u0000'])('refuses %p as a routing-key segment', (value) => {
    expect(() => messagePushType(value)).toThrow(RangeError);
  });

  it.each([
    ['authorization.*', 'authorization.authorized', true],
    ['authorization.*', 'authorization.x.y', false],
    ['wechat.#', 'wechat.message.event.click', true],
    ['wechat.#', 'wechat', true],
    ['wechat.message.#', 'wechat.component.authorized', false],
    ['#', 'anything.at.all', true],
    ['*.audit.*', 'release.audit.failed', true],
    ['release.#.failed', 'release.audit.failed', true],
    ['token.authorizer.issued', 'token.authorizer.issued', true],
    ['token.authorizer.issued', 'token.authorizer.invalid', false],
  ])('topicMatches(%p, %p) is %p', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });
});

describe(rawPushId.name, () => {
  const C = 'wx1234567890abcdef';

  it('is a stable v5 UUID (RFC 9562 test vector for the algorithm)', () => {
    // RFC 9562 appendix A.4: DNS namespace, "www.example.com".
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('gives a retried message the same id, and another MsgId another id', () => {
    const fields = { ToUserName: 'gh_1', FromUserName: 'o1', CreateTime: '1', MsgType: 'text', MsgId: '42' };
    const a = rawPushId({ componentAppid: C, authorizerAppid: 'wxa', fields });
    expect(rawPushId({ componentAppid: C, authorizerAppid: 'wxa', fields: { ...fields } })).toBe(a);
    expect(
      rawPushId({ componentAppid: C, authorizerAppid: 'wxa', fields: { ...fields, MsgId: '43' } }),
    ).not.toBe(a);
    expect(rawPushId({ componentAppid: 'wxother', authorizerAppid: 'wxa', fields })).not.toBe(a);
  });

  it('keys events by sender, time and event', () => {
    const fields = {
      ToUserName: 'gh_1',
      FromUserName: 'o1',
      CreateTime: '100',
      MsgType: 'event',
      Event: 'weapp_audit_success',
    };
    expect(rawPushDedupKey({ componentAppid: C, authorizerAppid: 'wxa', fields })).toBe(
      `event|${C}|wxa|o1|100|weapp_audit_success`,
    );
    const a = rawPushId({ componentAppid: C, authorizerAppid: 'wxa', fields });
    expect(
      rawPushId({ componentAppid: C, authorizerAppid: 'wxa', fields: { ...fields, CreateTime: '101' } }),
    ).not.toBe(a);
    expect(
      rawPushId({
        componentAppid: C,
        authorizerAppid: 'wxa',
        fields: { ...fields, Event: 'weapp_audit_fail' },
      }),
    ).not.toBe(a);
  });

  it('keys component pushes by InfoType, time, authorizer and ticket', () => {
    const ticket = {
      AppId: C,
      CreateTime: '1',
      InfoType: 'component_verify_ticket',
      ComponentVerifyTicket: 't1',
    };
    expect(rawPushDedupKey({ componentAppid: C, fields: ticket })).toBe(
      `component|${C}|component_verify_ticket|1||t1`,
    );
    expect(rawPushId({ componentAppid: C, fields: { ...ticket, ComponentVerifyTicket: 't2' } })).not.toBe(
      rawPushId({ componentAppid: C, fields: ticket }),
    );
    const unauthorized = { AppId: C, CreateTime: '1', InfoType: 'unauthorized', AuthorizerAppid: 'wxa' };
    expect(rawPushId({ componentAppid: C, fields: unauthorized })).not.toBe(
      rawPushId({ componentAppid: C, fields: { ...unauthorized, AuthorizerAppid: 'wxb' } }),
    );
  });

  it('tells apart component pushes that carry neither authorizer nor ticket by their content', () => {
    const base = { AppId: C, CreateTime: '1', InfoType: 'notify_third_fasteregister', status: '0' };
    const a = rawPushId({ componentAppid: C, fields: { ...base, appid: 'wxnew1', auth_code: 'c1' } });
    const b = rawPushId({ componentAppid: C, fields: { ...base, appid: 'wxnew2', auth_code: 'c2' } });
    expect(a).not.toBe(b);
    // Field order inside the XML does not matter.
    expect(rawPushId({ componentAppid: C, fields: { auth_code: 'c1', appid: 'wxnew1', ...base } })).toBe(a);
  });
});
