import { toWechatXml } from './push-xml.util';

describe(toWechatXml.name, () => {
  it('puts strings in CDATA and numbers, negative ones too, bare, in the order given', () => {
    expect(
      toWechatXml({ AppId: 'wx_component', CreateTime: 1535442403, status: -1, msg: 'open verity failed' }),
    ).toBe(
      '<xml><AppId><![CDATA[wx_component]]></AppId><CreateTime>1535442403</CreateTime>' +
        '<status>-1</status><msg><![CDATA[open verity failed]]></msg></xml>',
    );
  });

  it('nests objects as elements, as in the <info> of notify_third_fasteregister', () => {
    expect(
      toWechatXml({
        InfoType: 'notify_third_fasteregister',
        info: { name: '企业名称', code_type: 1, component_phone: '13800000000' },
      }),
    ).toBe(
      '<xml><InfoType><![CDATA[notify_third_fasteregister]]></InfoType>' +
        '<info><name><![CDATA[企业名称]]></name><code_type>1</code_type>' +
        '<component_phone><![CDATA[13800000000]]></component_phone></info></xml>',
    );
  });

  it('leaves out undefined and null fields', () => {
    expect(toWechatXml({ appid: undefined, auth_code: null, status: 0 })).toBe(
      '<xml><status>0</status></xml>',
    );
  });

  it('splits a CDATA terminator inside a value so the XML stays well formed', () => {
    expect(toWechatXml({ Content: 'a]]>b' })).toBe(
      '<xml><Content><![CDATA[a]]]]><![CDATA[>b]]></Content></xml>',
    );
  });
});
