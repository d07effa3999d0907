import type { CampaignPreflight, CampaignServerDomains } from '@wxop/contracts';
import type {
  ModifyDomainInput,
  PrivacySetting,
  ServerDomains,
  SetPrivacySettingInput,
} from '@wxop/wechat-api';

import type { RequestReader } from '../shared/request.util';

export const DOMAIN_KEYS = [
  'requestDomain',
  'wsRequestDomain',
  'uploadDomain',
  'downloadDomain',
  'udpDomain',
  'tcpDomain',
] as const satisfies readonly (keyof ServerDomains)[];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const URL_PATTERN = /^(https|wss|udp|tcp):\/\/[a-z0-9.-]+(:\d{1,5})?$/i;

function urlList(reader: RequestReader, name: string, value: unknown, max: number): string[] | undefined {
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    value.length > max ||
    value.some((url) => typeof url !== 'string' || url.length > 256 || !URL_PATTERN.test(url))
  ) {
    reader.problem(`${name} must be a list of at most ${max} scheme://host URLs`);
    return undefined;
  }
  return [...new Set((value as string[]).map((url) => url.toLowerCase()))];
}

function known(
  reader: RequestReader,
  name: string,
  record: Record<string, unknown>,
  fields: readonly string[],
) {
  for (const key of Object.keys(record))
    if (!fields.includes(key)) reader.problem(`unknown field ${name}.${key}`);
}

function action(reader: RequestReader, name: string, value: unknown): 'add' | 'set' {
  if (value === undefined) return 'add';
  if (value !== 'add' && value !== 'set') reader.problem(`${name} must be add or set`);
  return value === 'set' ? 'set' : 'add';
}

function flag(reader: RequestReader, name: string, value: unknown): boolean {
  if (value !== undefined && typeof value !== 'boolean') reader.problem(`${name} must be true or false`);
  return value === true;
}

/** Reads `preflight` of campaigns.create; every problem is named `preflight.<field>`. */
export function parsePreflight(reader: RequestReader, raw: unknown): CampaignPreflight {
  const preflight: CampaignPreflight = {};
  if (raw === undefined) return preflight;
  if (!isRecord(raw)) {
    reader.problem('preflight must be an object');
    return preflight;
  }
  known(reader, 'preflight', raw, ['profileCheck', 'serverDomains', 'webviewDomains', 'privacy']);
  if (raw['profileCheck'] !== undefined)
    preflight.profileCheck = flag(reader, 'preflight.profileCheck', raw['profileCheck']);
  const server = raw['serverDomains'];
  if (server !== undefined) {
    if (!isRecord(server)) reader.problem('preflight.serverDomains must be an object');
    else {
      known(reader, 'preflight.serverDomains', server, [
        ...DOMAIN_KEYS,
        'action',
        'directly',
        'addToPlatform',
      ]);
      const domains: CampaignServerDomains = {
        action: action(reader, 'preflight.serverDomains.action', server['action']),
        directly: flag(reader, 'preflight.serverDomains.directly', server['directly']),
        addToPlatform: flag(reader, 'preflight.serverDomains.addToPlatform', server['addToPlatform']),
      };
      for (const key of DOMAIN_KEYS) {
        const list = urlList(reader, `preflight.serverDomains.${key}`, server[key], 200);
        if (list) domains[key] = list;
      }
      if (DOMAIN_KEYS.every((key) => !domains[key]?.length) && domains.action === 'add')
        reader.problem('preflight.serverDomains names no domain');
      if (domains.directly && domains.addToPlatform)
        reader.problem('preflight.serverDomains.addToPlatform is for modify_domain, not directly');
      preflight.serverDomains = domains;
    }
  }
  const webview = raw['webviewDomains'];
  if (webview !== undefined) {
    if (!isRecord(webview)) reader.problem('preflight.webviewDomains must be an object');
    else {
      known(reader, 'preflight.webviewDomains', webview, ['domains', 'action', 'addToPlatform']);
      const domains = urlList(reader, 'preflight.webviewDomains.domains', webview['domains'], 100);
      if (domains !== undefined && domains.some((url) => !url.startsWith('https://')))
        reader.problem('preflight.webviewDomains.domains must be https URLs');
      if (webview['domains'] === undefined) reader.problem('preflight.webviewDomains.domains is required');
      preflight.webviewDomains = {
        domains: domains ?? [],
        action: action(reader, 'preflight.webviewDomains.action', webview['action']),
        addToPlatform: flag(reader, 'preflight.webviewDomains.addToPlatform', webview['addToPlatform']),
      };
    }
  }
  const privacy = raw['privacy'];
  if (privacy !== undefined) preflight.privacy = parsePrivacy(reader, privacy);
  return preflight;
}

const OWNER_FIELDS = [
  'contactEmail',
  'contactPhone',
  'contactQq',
  'contactWeixin',
  'noticeMethod',
  'storeExpireTimestamp',
  'extFileMediaId',
] as const;

function parsePrivacy(reader: RequestReader, raw: unknown): CampaignPreflight['privacy'] {
  const empty = { ownerSetting: { noticeMethod: '' }, settingList: [] };
  if (!isRecord(raw)) {
    reader.problem('preflight.privacy must be an object');
    return empty;
  }
  known(reader, 'preflight.privacy', raw, ['privacyVer', 'ownerSetting', 'settingList']);
  const privacyVer = raw['privacyVer'] ?? 2;
  if (privacyVer !== 1 && privacyVer !== 2) reader.problem('preflight.privacy.privacyVer must be 1 or 2');
  const owner = raw['ownerSetting'];
  const ownerSetting: Record<string, string> = {};
  if (!isRecord(owner)) reader.problem('preflight.privacy.ownerSetting must be an object');
  else {
    known(reader, 'preflight.privacy.ownerSetting', owner, OWNER_FIELDS);
    for (const key of OWNER_FIELDS) {
      const value = owner[key];
      if (value === undefined) continue;
      if (typeof value !== 'string' || value.length > 256)
        reader.problem(`preflight.privacy.ownerSetting.${key} must be a string of at most 256`);
      else ownerSetting[key] = value;
    }
    if (!ownerSetting['noticeMethod'])
      reader.problem('preflight.privacy.ownerSetting.noticeMethod is required');
    if (!['contactEmail', 'contactPhone', 'contactQq', 'contactWeixin'].some((key) => ownerSetting[key]))
      reader.problem('preflight.privacy.ownerSetting needs one contact (email, phone, QQ or Weixin)');
    if (
      ownerSetting['storeExpireTimestamp'] !== undefined &&
      !/^\d+天$/.test(ownerSetting['storeExpireTimestamp'])
    )
      reader.problem('preflight.privacy.ownerSetting.storeExpireTimestamp must be "<n>天" (87072 otherwise)');
  }
  const list = raw['settingList'];
  const settingList: { privacyKey: string; privacyText: string }[] = [];
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.length > 100 ||
    list.some(
      (item) =>
        !isRecord(item) ||
        typeof item['privacyKey'] !== 'string' ||
        item['privacyKey'].length === 0 ||
        typeof item['privacyText'] !== 'string' ||
        item['privacyText'].length === 0 ||
        Object.keys(item).some((key) => key !== 'privacyKey' && key !== 'privacyText'),
    )
  )
    reader.problem('preflight.privacy.settingList must be 1 to 100 { privacyKey, privacyText }');
  else
    for (const item of list as { privacyKey: string; privacyText: string }[])
      settingList.push({ privacyKey: item.privacyKey, privacyText: item.privacyText });
  return {
    privacyVer: privacyVer === 1 ? 1 : 2,
    ownerSetting: ownerSetting as NonNullable<CampaignPreflight['privacy']>['ownerSetting'],
    settingList,
  };
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  new Set(a).size === new Set(b).size && a.every((item) => b.includes(item));

/**
 * The modify_domain call that brings a target's server domains to what the campaign asks, or
 * null when they already are so (`add`: every wanted one is there; `set`: exactly these).
 */
export function serverDomainChange(
  current: ServerDomains,
  wanted: CampaignServerDomains,
): ModifyDomainInput | null {
  if (wanted.action === 'set') {
    const same = DOMAIN_KEYS.every((key) => sameSet(current[key], wanted[key] ?? []));
    return same
      ? null
      : { action: 'set', ...Object.fromEntries(DOMAIN_KEYS.map((key) => [key, wanted[key] ?? []])) };
  }
  const missing: Partial<ServerDomains> = {};
  for (const key of DOMAIN_KEYS) {
    const lacking = (wanted[key] ?? []).filter((url) => !current[key].includes(url));
    if (lacking.length > 0) missing[key] = lacking;
  }
  return Object.keys(missing).length === 0 ? null : { action: 'add', ...missing };
}

/** The setwebviewdomain call, or null when the target's web-view domains already are so. */
export function webviewDomainChange(
  current: readonly string[],
  wanted: NonNullable<CampaignPreflight['webviewDomains']>,
): { action: 'add' | 'set'; webviewDomain: string[] } | null {
  if (wanted.action === 'set')
    return sameSet(current, wanted.domains) ? null : { action: 'set', webviewDomain: wanted.domains };
  const lacking = wanted.domains.filter((url) => !current.includes(url));
  return lacking.length === 0 ? null : { action: 'add', webviewDomain: lacking };
}

/** Whether getprivacysetting already holds the campaign's owner setting and every setting item. */
export function privacyAlreadySet(current: PrivacySetting, wanted: SetPrivacySettingInput): boolean {
  const owner = current.ownerSetting as unknown as Record<string, string | undefined>;
  const asked = wanted.ownerSetting as unknown as Record<string, string | undefined>;
  const ownerSame = OWNER_FIELDS.every((key) => (owner[key] ?? '') === (asked[key] ?? ''));
  const items = (list: { privacyKey: string; privacyText: string }[]) =>
    list.map((item) => `${item.privacyKey}\u0000${item.privacyText}`);
  return ownerSame && sameSet(items(current.settingList), items(wanted.settingList));
}

/** What 86002 would name: the profile fields (nickname, avatar, intro) a mini program lacks. */
export function missingProfile(profile: {
  nickName: string | null;
  headImg: string | null;
  signature: string | null;
}): string[] {
  const missing: string[] = [];
  if (!profile.nickName?.trim()) missing.push('nickname');
  if (!profile.headImg?.trim()) missing.push('avatar');
  if (!profile.signature?.trim()) missing.push('intro');
  return missing;
}

/** Bare lower-case hostnames of URLs (the platform lists hold hostnames). */
export const hostsOf = (urls: readonly string[]): string[] => [
  ...new Set(urls.map((url) => new URL(url).hostname.toLowerCase())),
];

/** The hosts a platform list (testing ∪ published) lacks. */
export function missingHosts(hosts: readonly string[], platform: { testing: string[]; published: string[] }) {
  const registered = new Set([...platform.testing, ...platform.published].map((host) => host.toLowerCase()));
  return hosts.filter((host) => !registered.has(host));
}
