import { authorizationUrl, landingUrl, startUrl } from './authorization-url.util';

describe('authorizationUrl', () => {
  const base = {
    mpBaseUrl: 'https://mp.weixin.qq.com/',
    componentAppid: 'wx1234567890abcdef',
    preAuthCode: 'preauthcode@@@a+b/c=',
    redirectUri: 'https://auth.example.com/authorized/Ab_-12',
  };

  it('builds the PC page with every value percent-encoded', () => {
    const url = authorizationUrl({ ...base, kind: 'pc', authType: 2, categoryIdList: [99, 31] });
    expect(url).toBe(
      'https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx1234567890abcdef' +
        '&pre_auth_code=preauthcode%40%40%40a%2Bb%2Fc%3D' +
        '&redirect_uri=https%3A%2F%2Fauth.example.com%2Fauthorized%2FAb_-12&auth_type=2&category_id_list=99%7C31',
    );
    const parsed = new URL(url);
    expect(parsed.searchParams.get('pre_auth_code')).toBe(base.preAuthCode);
    expect(parsed.searchParams.get('category_id_list')).toBe('99|31');
  });

  it('builds the H5 page with action, no_scan and #wechat_redirect, and biz_appid', () => {
    const url = authorizationUrl({ ...base, kind: 'h5', bizAppid: 'wxabcdefabcdefabcd' });
    expect(
      url.startsWith('https://mp.weixin.qq.com/safe/bindcomponent?action=bindcomponent&no_scan=1&'),
    ).toBe(true);
    expect(url.endsWith('#wechat_redirect')).toBe(true);
    const parsed = new URL(url);
    expect(parsed.searchParams.get('biz_appid')).toBe('wxabcdefabcdefabcd');
    expect(parsed.searchParams.get('redirect_uri')).toBe(base.redirectUri);
    expect(parsed.searchParams.has('auth_type')).toBe(false);
    expect(parsed.searchParams.has('category_id_list')).toBe(false);
  });
});

describe('landingUrl', () => {
  it('carries the link in the path, never in a query string', () => {
    const url = landingUrl('https://auth.example.com/', 'Ab_-12');
    expect(url).toBe('https://auth.example.com/authorized/Ab_-12');
    expect(new URL(url).search).toBe('');
  });
});

describe('startUrl', () => {
  it('points at the start page under the public base', () => {
    expect(startUrl('http://127.0.0.1:3300', 'xyz')).toBe('http://127.0.0.1:3300/authorize/xyz');
  });
});
