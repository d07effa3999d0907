import { rawPushId } from '@wxop/contracts';

import { IngressError, IngressErrorCode, INGRESS_ERROR_STATUS } from './ingress.errors';
import { envelopeOf, pushTypeOf } from './push-envelope.util';
import { parsePushXml } from './push-xml.parser';

function expectIngressError(fn: () => unknown, code: IngressErrorCode): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(IngressError);
    expect((error as IngressError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe(parsePushXml.name, () => {
  it('returns the children of <xml>, strings kept whole (64-bit MsgId, CDATA whitespace, Chinese)', () => {
    const fields = parsePushXml(
      '<xml><ToUserName><![CDATA[gh_1]]></ToUserName>\n<Content><![CDATA[ 你好 & bye ]]></Content>\n<MsgId>24617411567434112345</MsgId></xml>',
      'inner',
    );
    expect(fields).toEqual({ ToUserName: 'gh_1', Content: ' 你好 & bye ', MsgId: '24617411567434112345' });
  });

  it('keeps nested and repeated elements', () => {
    const fields = parsePushXml(
      '<xml><info><name>n</name></info><list><appid>a</appid></list><list><appid>b</appid></list></xml>',
      'inner',
    );
    expect(fields).toEqual({ info: { name: 'n' }, list: [{ appid: 'a' }, { appid: 'b' }] });
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE xml><xml><a>1</a></xml>'],
    [
      'an entity declaration (billion laughs)',
      '<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><xml><a>&b;</a></xml>',
    ],
    ['an external entity', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><a>&e;</a></xml>'],
    ['mismatched tags', '<xml><a>1</b></xml>'],
    ['an unclosed document', '<xml><a>1</a>'],
    ['no <xml> root', '<root><a>1</a></root>'],
    ['an empty <xml>', '<xml></xml>'],
    ['text that is not XML', 'success'],
    ['nesting deeper than 8', `<xml>${'<a>'.repeat(12)}x${'</a>'.repeat(12)}</xml>`],
    [
      'more than 200 fields',
      `<xml>${Array.from({ length: 201 }, (_, i) => `<f${i}>1</f${i}>`).join('')}</xml>`,
    ],
  ])('refuses %s', (_name, xml) => {
    expectIngressError(() => parsePushXml(xml, 'outer'), IngressErrorCode.MalformedXml);
  });

  it('does not expand predefined entities outside CDATA', () => {
    expect(parsePushXml('<xml><a>x &amp; y</a></xml>', 'inner')).toEqual({ a: 'x &amp; y' });
  });
});

describe(pushTypeOf.name, () => {
  it.each([
    ['component', { InfoType: 'component_verify_ticket' }, 'wechat.component.component_verify_ticket'],
    ['component', { InfoType: 'notify_third_fasteregister' }, 'wechat.component.notify_third_fasteregister'],
    ['message', { MsgType: 'text' }, 'wechat.message.text'],
    ['message', { MsgType: 'event', Event: 'SCAN' }, 'wechat.message.event.scan'],
    ['message', { MsgType: 'event', Event: 'weapp_audit_fail' }, 'wechat.message.event.weapp_audit_fail'],
  ] as const)('%s %p → %s', (kind, fields, type) => {
    expect(pushTypeOf({ kind, fields })).toBe(type);
  });

  it.each([
    ['component', {}],
    ['message', {}],
    ['message', { MsgType: 'event' }],
    ['message', { MsgType: 'te.xt' }],
    ['component', { InfoType: { nested: 'x' } }],
  ] as const)('refuses %s %p', (kind, fields) => {
    expectIngressError(() => pushTypeOf({ kind, fields }), IngressErrorCode.UnknownPushKind);
  });
});

describe(envelopeOf.name, () => {
  const now = new Date('2026-11-22T00:00:00.000Z');

  it('builds the contract envelope with the deterministic id, CreateTime as occurredAt and raw', () => {
    const fields = {
      AppId: 'wxc',
      CreateTime: '1413192760',
      InfoType: 'unauthorized',
      AuthorizerAppid: 'wxa',
    };
    const sut = envelopeOf({ kind: 'component', componentAppid: 'wxc', fields, raw: '<xml/>' }, now);
    expect(sut).toEqual({
      id: rawPushId({ componentAppid: 'wxc', fields }),
      type: 'wechat.component.unauthorized',
      version: 1,
      occurredAt: '2014-10-13T09:32:40.000Z',
      componentAppid: 'wxc',
      authorizerAppid: 'wxa',
      data: { ...fields, raw: '<xml/>' },
    });
  });

  it('uses the URL authorizer for messages and now when CreateTime is missing', () => {
    const sut = envelopeOf(
      {
        kind: 'message',
        componentAppid: 'wxc',
        authorizerAppid: 'wxa',
        fields: { MsgType: 'text', MsgId: '1' },
        raw: '<xml/>',
      },
      now,
    );
    expect(sut).toMatchObject({
      authorizerAppid: 'wxa',
      occurredAt: now.toISOString(),
      type: 'wechat.message.text',
    });
  });
});

describe('INGRESS_ERROR_STATUS', () => {
  it('gives the statuses of CONTRACT.md §1', () => {
    expect(INGRESS_ERROR_STATUS[IngressErrorCode.InvalidSignature]).toBe(401);
    expect(INGRESS_ERROR_STATUS[IngressErrorCode.StaleTimestamp]).toBe(401);
    expect(INGRESS_ERROR_STATUS[IngressErrorCode.UnknownComponent]).toBe(404);
    expect(INGRESS_ERROR_STATUS[IngressErrorCode.MalformedXml]).toBe(400);
    expect(INGRESS_ERROR_STATUS[IngressErrorCode.AppidMismatch]).toBe(400);
    expect(INGRESS_ERROR_STATUS[IngressErrorCode.NotStored]).toBe(503);
  });
});
