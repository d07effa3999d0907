import type { PrivacySetting, ServerDomains } from '@wxop/wechat-api';

import { RequestReader } from '../shared/request.util';
import {
  hostsOf,
  missingHosts,
  missingProfile,
  parsePreflight,
  privacyAlreadySet,
  serverDomainChange,
  webviewDomainChange,
} from './preflight.util';

const none: ServerDomains = {
  requestDomain: [],
  wsRequestDomain: [],
  uploadDomain: [],
  downloadDomain: [],
  udpDomain: [],
  tcpDomain: [],
};

describe('preflight decisions', () => {
  it('adds only the missing server domains, and skips when every one is there', () => {
    const current = { ...none, requestDomain: ['https://a.com'] };
    expect(serverDomainChange(current, { requestDomain: ['https://a.com'] })).toBeNull();
    expect(
      serverDomainChange(current, {
        requestDomain: ['https://a.com', 'https://b.com'],
        uploadDomain: ['https://u.com'],
      }),
    ).toEqual({ action: 'add', requestDomain: ['https://b.com'], uploadDomain: ['https://u.com'] });
  });

  it('sets exactly the given lists with action set, and skips when they already are so', () => {
    const current = { ...none, requestDomain: ['https://b.com', 'https://a.com'] };
    expect(
      serverDomainChange(current, { action: 'set', requestDomain: ['https://a.com', 'https://b.com'] }),
    ).toBeNull();
    expect(serverDomainChange(current, { action: 'set', requestDomain: ['https://a.com'] })).toEqual({
      action: 'set',
      ...none,
      requestDomain: ['https://a.com'],
    });
  });

  it('does the same for web-view domains', () => {
    expect(webviewDomainChange(['https://w.com'], { domains: ['https://w.com'] })).toBeNull();
    expect(webviewDomainChange([], { domains: ['https://w.com'] })).toEqual({
      action: 'add',
      webviewDomain: ['https://w.com'],
    });
    expect(webviewDomainChange(['https://x.com'], { domains: ['https://w.com'], action: 'set' })).toEqual({
      action: 'set',
      webviewDomain: ['https://w.com'],
    });
  });

  it('skips the privacy setting when owner setting and items already match, in any order', () => {
    const wanted = {
      ownerSetting: { contactEmail: 'a@b.com', noticeMethod: '弹窗' },
      settingList: [
        { privacyKey: 'UserInfo', privacyText: '登录' },
        { privacyKey: 'Location', privacyText: '附近门店' },
      ],
    };
    const current: PrivacySetting = {
      codeExist: true,
      privacyList: [],
      settingList: [...wanted.settingList].reverse(),
      updateTime: 0,
      ownerSetting: { contactEmail: 'a@b.com', noticeMethod: '弹窗', contactPhone: '' },
      privacyDesc: [],
    };
    expect(privacyAlreadySet(current, wanted)).toBe(true);
    expect(privacyAlreadySet({ ...current, settingList: current.settingList.slice(1) }, wanted)).toBe(false);
    expect(privacyAlreadySet({ ...current, ownerSetting: { noticeMethod: '弹窗' } }, wanted)).toBe(false);
  });

  it('names the profile fields 86002 would refuse: nickname, avatar, intro', () => {
    expect(missingProfile({ nickName: '店', headImg: 'http://img/1', signature: '好店' })).toEqual([]);
    expect(missingProfile({ nickName: ' ', headImg: null, signature: '' })).toEqual([
      'nickname',
      'avatar',
      'intro',
    ]);
    expect(missingProfile({ nickName: '店', headImg: 'http://img/1', signature: null })).toEqual(['intro']);
  });

  it('names the hosts the platform lists lack', () => {
    const hosts = hostsOf(['https://A.com', 'wss://a.com:443', 'https://b.com']);
    expect(hosts).toEqual(['a.com', 'b.com']);
    expect(missingHosts(hosts, { testing: ['a.com'], published: [] })).toEqual(['b.com']);
    expect(missingHosts(hosts, { testing: [], published: ['A.COM', 'b.com'] })).toEqual([]);
  });
});

describe('parsePreflight', () => {
  const parse = (raw: unknown) => {
    const reader = new RequestReader({}, []);
    return { preflight: parsePreflight(reader, raw), problems: reader.problemList() };
  };

  it('reads server domains, web-view domains and privacy settings', () => {
    const { preflight, problems } = parse({
      profileCheck: true,
      serverDomains: { requestDomain: ['https://API.shop.com'], addToPlatform: true },
      webviewDomains: { domains: ['https://h5.shop.com'] },
      privacy: {
        ownerSetting: { contactEmail: 'a@b.com', noticeMethod: '弹窗', storeExpireTimestamp: '30天' },
        settingList: [{ privacyKey: 'UserInfo', privacyText: '登录' }],
      },
    });
    expect(problems).toEqual([]);
    expect(preflight).toEqual({
      profileCheck: true,
      serverDomains: {
        requestDomain: ['https://api.shop.com'],
        action: 'add',
        directly: false,
        addToPlatform: true,
      },
      webviewDomains: { domains: ['https://h5.shop.com'], action: 'add', addToPlatform: false },
      privacy: {
        privacyVer: 2,
        ownerSetting: { contactEmail: 'a@b.com', noticeMethod: '弹窗', storeExpireTimestamp: '30天' },
        settingList: [{ privacyKey: 'UserInfo', privacyText: '登录' }],
      },
    });
  });

  it('names every bad field under preflight.', () => {
    const { problems } = parse({
      serverDomains: { requestDomain: ['http://a.com'], directly: true, addToPlatform: true },
      webviewDomains: { domains: ['wss://a.com'] },
      privacy: { ownerSetting: { storeExpireTimestamp: '30 days' }, settingList: [] },
      extra: 1,
    });
    expect(problems).toEqual([
      'unknown field preflight.extra',
      'preflight.serverDomains.requestDomain must be a list of at most 200 scheme://host URLs',
      'preflight.serverDomains names no domain',
      'preflight.serverDomains.addToPlatform is for modify_domain, not directly',
      'preflight.webviewDomains.domains must be https URLs',
      'preflight.privacy.ownerSetting.noticeMethod is required',
      'preflight.privacy.ownerSetting needs one contact (email, phone, QQ or Weixin)',
      'preflight.privacy.ownerSetting.storeExpireTimestamp must be "<n>天" (87072 otherwise)',
      'preflight.privacy.settingList must be 1 to 100 { privacyKey, privacyText }',
    ]);
  });
});
