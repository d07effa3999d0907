import { matchPushRoute } from './push-route.util';

describe(matchPushRoute.name, () => {
  it('matches the component and the message push URL, with their query', () => {
    expect(matchPushRoute('POST', '/wechat/components/wxc/events?timestamp=1&nonce=2')).toEqual({
      kind: 'component',
      componentAppid: 'wxc',
      query: { timestamp: '1', nonce: '2' },
    });
    expect(matchPushRoute('POST', '/wechat/components/wxc/authorizers/wxa/messages')).toEqual({
      kind: 'message',
      componentAppid: 'wxc',
      authorizerAppid: 'wxa',
      query: {},
    });
  });

  it('percent-decodes path segments and joins a repeated parameter with commas', () => {
    expect(matchPushRoute('POST', '/wechat/components/wx%63/events?nonce=1&nonce=2&x=a+b')).toMatchObject({
      componentAppid: 'wxc',
      query: { nonce: '1,2', x: 'a b' },
    });
  });

  it('does not read parameters from the prototype', () => {
    expect(matchPushRoute('POST', '/wechat/components/wxc/events')!.query['constructor']).toBeUndefined();
  });

  it.each([
    ['GET', '/wechat/components/wxc/events'],
    ['POST', '/wechat/components/wxc/events/'],
    ['POST', '/wechat/components/wxc/EVENTS'],
    ['POST', '/wechat/components//events'],
    ['POST', '/wechat/components/wxc/authorizers//messages'],
    ['POST', '/wechat/components/wxc/authorizers/a/b/messages'],
    ['POST', '/wechat/components/wxc/authorizers/wxa/messages/x'],
    ['POST', '/other'],
  ])('leaves %s %s to the router', (method, url) => {
    expect(matchPushRoute(method, url)).toBeUndefined();
  });
});
