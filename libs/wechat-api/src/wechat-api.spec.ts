import { funcInfoIds } from './wechat-api.client';
import { WechatApiError, WechatTransportError, isTransientWechatFailure } from './wechat-api.errors';

describe(WechatApiError.name, () => {
  it('classifies -1 as transient and 40001 / 40014 / 42001 as a rejected token', () => {
    expect(new WechatApiError(-1, 'system error', 'x').transient).toBe(true);
    for (const errcode of [40001, 40014, 42001]) {
      const error = new WechatApiError(errcode, '', 'x');
      expect(error.tokenRejected).toBe(true);
      expect(error.transient).toBe(false);
    }
    expect(new WechatApiError(61023, '', 'x').tokenRejected).toBe(false);
  });
});

describe(isTransientWechatFailure.name, () => {
  it('retries -1, 5xx, timeouts and dropped connections, nothing else', () => {
    expect(isTransientWechatFailure(new WechatApiError(-1, '', 'x'))).toBe(true);
    expect(isTransientWechatFailure(new WechatApiError(45009, '', 'x'))).toBe(false);
    expect(isTransientWechatFailure(new WechatTransportError('x', 'http-status', '', 503))).toBe(true);
    expect(isTransientWechatFailure(new WechatTransportError('x', 'http-status', '', 404))).toBe(false);
    expect(isTransientWechatFailure(new WechatTransportError('x', 'timeout', ''))).toBe(true);
    expect(isTransientWechatFailure(new WechatTransportError('x', 'connection', ''))).toBe(true);
    expect(isTransientWechatFailure(new Error('other'))).toBe(false);
  });
});

describe(funcInfoIds.name, () => {
  it('reads the permission-set ids and ignores malformed entries', () => {
    expect(
      funcInfoIds([
        { funcscope_category: { id: 17 } },
        { funcscope_category: { id: 18 }, confirm_info: { need_confirm: 0 } },
        { funcscope_category: {} },
        'junk',
        null,
      ]),
    ).toEqual([17, 18]);
    expect(funcInfoIds(undefined)).toEqual([]);
  });
});
