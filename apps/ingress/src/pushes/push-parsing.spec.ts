import { rawPushId } from '@wxop/contracts';

import { IngressError, IngressErrorCode, INGRESS_ERROR_STATUS } from './ingress.errors';
import { envelopeOf, pushTypeOf } from './push-envelope.util';
import { parseAnyXml, parseFlatXml, parsePushXml } from './push-xml.parser';

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

  it('accepts a user message whose text mentions a DOCTYPE or ENTITY (inside CDATA it is text, not markup)', () => {
    const xml =
      '<xml><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[<!DOCTYPE html><!ENTITY x "y">]]></Content>' +
      '<Other><![CDATA[a]]></Other></xml>';
    expect(parsePushXml(xml, 'inner')).toEqual({
      MsgType: 'text',
      Content: '<!DOCTYPE html><!ENTITY x "y">',
      Other: 'a',
    });
    // …while a declaration outside the CDATA is still refused.
    expectIngressError(
      () => parsePushXml(`<!DOCTYPE x [<!ENTITY e "z">]>${xml}`, 'inner'),
      IngressErrorCode.MalformedXml,
    );
  });

  it('does not expand predefined entities outside CDATA', () => {
    expect(parsePushXml('<xml><a>x &amp; y</a></xml>', 'inner')).toEqual({ a: 'x &amp; y' });
  });
});

describe(parseFlatXml.name, () => {
  it('reads the flat shape of pushes: CDATA, text, empty values, whitespace between fields', () => {
    expect(
      parseFlatXml(
        '<xml>\n <ToUserName><![CDATA[gh_1]]></ToUserName>\t<CreateTime>1413192760</CreateTime><Empty></Empty>' +
          '<Content><![CDATA[ <a>&amp; ]]]></Content></xml>\n',
      ),
    ).toEqual({ ToUserName: 'gh_1', CreateTime: '1413192760', Empty: '', Content: ' <a>&amp; ]' });
  });

  it.each([
    ['nesting', '<xml><info><name>n</name></info></xml>'],
    ['a repeated name', '<xml><a>1</a><a>2</a></xml>'],
    ['attributes', '<xml><a x="1">1</a></xml>'],
    ['an entity in text', '<xml><a>x &amp; y</a></xml>'],
    ['a carriage return (normalised by XML parsers)', '<xml><a><![CDATA[x\r\ny]]></a></xml>'],
    ['a declaration', '<?xml version="1.0"?><xml><a>1</a></xml>'],
    ['text beside the fields', '<xml>x<a>1</a></xml>'],
    ['mismatched tags', '<xml><a>1</b></xml>'],
    ['an unclosed document', '<xml><a>1</a>'],
    ['an empty <xml>', '<xml></xml>'],
  ])('leaves %s to the general path', (_name, xml) => {
    expect(parseFlatXml(xml)).toBeUndefined();
  });

  it('gives exactly what the declaration refusal and then validate + parse give (10,000 random documents)', () => {
    // Fragments that keep documents in the flat shape, and rarer ones that break it in many
    // ways (well-formed or not); seeded for repeatability.
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 48271) % 2147483647; // Park–Miller: exact in doubles
      return seed % n;
    };
    const pick = <T>(usual: T[], rare: T[]) =>
      random(8) === 0 ? rare[random(rare.length)]! : usual[random(usual.length)]!;
    const name = () =>
      pick(
        ['a', 'B_1', 'xml', 'Content'],
        ['__proto__', 'constructor', 'prototype', 'toString', 'a-b', '1a'],
      );
    const text = () =>
      pick(
        ['', ' ', '\n', 'x', '中文', '>', ']', '\u0001', '#text'],
        ['&', '&amp;', '<', ']]>', '\r', '<!--c-->', '<!DOCTYPE x>', '<!ENTITY e "z">', '<!doctype y>'],
      );
    const value = () => (random(2) === 0 ? `<![CDATA[${text()}${text()}]]>` : `${text()}${text()}`);
    const child = () => {
      const open = name();
      const close = random(20) === 0 ? name() : open;
      return random(30) === 0 ? `<${open}/>` : `<${open}>${value()}</${close}>`;
    };
    const DECLARATION = /<!DOCTYPE|<!ENTITY/i;
    let flat = 0;
    let declared = 0;
    for (let i = 0; i < 10_000; i++) {
      const children = Array.from(
        { length: random(4) },
        () => `${pick(['', ' ', '\n'], ['x', '\r'])}${child()}`,
      );
      const xml = `${pick(['<xml>'], [' <xml>', '<XML>', '<?xml version="1.0"?><xml>'])}${children.join('')}${pick(['</xml>', '</xml>\n'], ['', '</xml>x', '</xml><a/>'])}`;
      const outcome = (parse: () => unknown) => {
        try {
          return parse();
        } catch (error) {
          return error instanceof IngressError ? error.code : error;
        }
      };
      const fast = parseFlatXml(xml);
      if (fast) flat++;
      if (DECLARATION.test(xml)) declared++;
      // The reference: DOCTYPE / ENTITY markup (outside CDATA) refused first, then the general path.
      const declares = DECLARATION.test(xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ''));
      expect({ xml, result: outcome(() => parsePushXml(xml, 'inner')) }).toEqual({
        xml,
        result: declares ? IngressErrorCode.MalformedXml : outcome(() => parseAnyXml(xml, 'inner')),
      });
    }
    // The comparison means something only if both paths were taken often.
    expect(flat).toBeGreaterThan(1000);
    expect(flat).toBeLessThan(9000);
    expect(declared).toBeGreaterThan(100);
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
