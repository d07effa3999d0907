import type { DomainEventType } from '@wxop/contracts';

/**
 * What docs/events.md says that libs/contracts does not: who publishes each event, since which
 * version, and the meaning of fields whose declaration has no JSDoc. Everything else (types,
 * fields, JSDoc, the authorizerAppid rule, examples) is read from libs/contracts.
 *
 * The generator fails on a registered event, raw-push family or well-known push without an entry
 * here, on a field with neither JSDoc nor a meaning here, and on entries nothing uses any more.
 * Prefer JSDoc in libs/contracts: a meaning here for a field that has JSDoc is refused too.
 */
export interface EventsMetadata {
  domainEvents: Readonly<Record<string, DomainEventMetadata>>;
  /** By routing-key prefix (the `RAW_*_PREFIX` constants of libs/contracts). */
  rawPushFamilies: Readonly<Record<string, RawPushFamilyMetadata>>;
  /** The well-known raw pushes (`RawPushTypes` of libs/contracts): when WeChat sends each. */
  rawPushTypes: Readonly<Record<string, string>>;
  /** `Class.field` (the declaring class; `Class[*]` for an index signature) → meaning. */
  fieldMeanings: Readonly<Record<string, string>>;
  /** `Class.field` → the version that added it, for fields younger than their type. */
  fieldSince: Readonly<Record<string, string>>;
}

export interface DomainEventMetadata {
  /** The app under apps/ whose code publishes it (checked: it must name the type's constant). */
  publisher: string;
  /** The wxop version whose contract first had it (a version of the README's changelog). */
  since: string;
  /** When it is published, where the payload class's JSDoc does not say it (else the JSDoc is used). */
  when?: string;
}

export interface RawPushFamilyMetadata {
  /** How the routing key goes on after the prefix, e.g. `<infotype>`. */
  placeholder: string;
  when: string;
  since: string;
}

/** The version of the first contract (the foundation's libs/contracts). */
const FIRST = '0.1.0';

const DOMAIN_EVENTS: Readonly<Record<DomainEventType, DomainEventMetadata>> = {
  'authorization.authorized': { publisher: 'authorizer', since: FIRST },
  'authorization.updated': { publisher: 'authorizer', since: FIRST },
  'authorization.unauthorized': { publisher: 'authorizer', since: FIRST },
  'authorization.failed': { publisher: 'authorizer', since: '0.4.0' },
  'token.authorizer.issued': { publisher: 'token', since: FIRST },
  'token.authorizer.invalid': { publisher: 'token', since: FIRST },
  'token.component.updated': { publisher: 'token', since: '0.2.0' },
  'release.committed': { publisher: 'code-release', since: FIRST },
  'release.audit.submitted': {
    publisher: 'code-release',
    since: FIRST,
    when: 'a version of one mini program was submitted for WeChat’s review (`submit_audit`).',
  },
  'release.audit.succeeded': {
    publisher: 'code-release',
    since: FIRST,
    when: 'WeChat approved the version (the `weapp_audit_success` push, or a status query found it approved).',
  },
  'release.audit.failed': {
    publisher: 'code-release',
    since: FIRST,
    when: 'WeChat rejected the version (the `weapp_audit_fail` push, or a status query found it rejected).',
  },
  'release.audit.delayed': {
    publisher: 'code-release',
    since: FIRST,
    when: 'WeChat postponed the review (the `weapp_audit_delay` push, or a status query found it delayed).',
  },
  'release.released': {
    publisher: 'code-release',
    since: FIRST,
    when: 'the approved version is online for all users (`release`, or the last step of a gray plan).',
  },
  'release.reverted': { publisher: 'code-release', since: FIRST },
  'release.gray.stepped': { publisher: 'code-release', since: '0.5.0' },
  'release.campaign.started': { publisher: 'code-release', since: '0.5.0' },
  'release.campaign.paused': {
    publisher: 'code-release',
    since: '0.5.0',
    when: 'a running campaign was paused: by an operator, or by itself when its canary or its rejection threshold says so (`reason`).',
  },
  'release.campaign.finished': {
    publisher: 'code-release',
    since: FIRST,
    when: 'every target of the campaign reached a final state.',
  },
};

export const EVENTS_METADATA: EventsMetadata = {
  domainEvents: DOMAIN_EVENTS,
  rawPushFamilies: {
    'wechat.component.': {
      placeholder: '<infotype>',
      when: 'WeChat pushed to the 授权事件接收URL (`/wechat/components/<componentAppid>/events`): tickets, authorizations, fast registration, …; `<infotype>` is the push’s `InfoType`, lower-cased.',
      since: FIRST,
    },
    'wechat.message.': {
      placeholder: '<msgtype>',
      when: 'a user sent a message to an authorized account (消息与事件接收URL, `/wechat/components/<componentAppid>/authorizers/<appid>/messages`); `<msgtype>` is its `MsgType`, lower-cased (`text`, `image`, …; `event` goes to the family below).',
      since: FIRST,
    },
    'wechat.message.event.': {
      placeholder: '<event>',
      when: 'WeChat pushed an event of an authorized account to the 消息与事件接收URL (`MsgType` `event`); `<event>` is its `Event`, lower-cased (`weapp_audit_success`, `subscribe`, `click`, …).',
      since: FIRST,
    },
  },
  rawPushTypes: {
    'wechat.component.component_verify_ticket':
      'every 10 minutes: the ticket the component access token is made with.',
    'wechat.component.authorized': 'a merchant authorized the platform (carries the auth code).',
    'wechat.component.updateauthorized': 'a merchant changed the permission sets granted.',
    'wechat.component.unauthorized': 'a merchant revoked the authorization.',
    'wechat.component.notify_third_fasteregister':
      'a mini program registered through the platform (快速注册) was created, or failed to be.',
    'wechat.message.text': 'a text message (also how WeChat’s 全网发布 release check talks to the platform).',
    'wechat.message.event.weapp_audit_success': 'a submitted mini-program version passed review.',
    'wechat.message.event.weapp_audit_fail':
      'a submitted mini-program version was rejected (reason, screenshots).',
    'wechat.message.event.weapp_audit_delay': 'the review of a submitted version was postponed.',
  },
  fieldMeanings: {
    'EventEnvelope.componentAppid':
      'The component (third-party platform) appid the event belongs to; one deployment can serve several.',
    'EventEnvelope.data': 'The payload; its fields per type are below. Tolerate fields you do not know.',
    'RawPushData.raw': 'The decrypted XML, exactly as WeChat sent it.',
    'RawPushData[*]':
      'Every other element of the decrypted XML, under WeChat’s own name and case (`AppId`, `CreateTime`, `InfoType`, `MsgType`, `Event`, …). Text values are strings (numbers too: `MsgId` exceeds 2⁵³); nested elements are objects, repeated ones arrays.',
    'AuthorizationAuthorizedData.authorizerType':
      'What was authorized: an official account (公众号) or a mini program (小程序).',
    'AuthorizationAuthorizedData.nickName': 'The account’s name as WeChat shows it (`nick_name`).',
    'AuthorizationUnauthorizedData.unauthorizedAt': 'When the merchant revoked it (the push’s `CreateTime`).',
    'AuthorizationFailedData.reason': 'Why the authorization could not be completed.',
    'TokenAuthorizerIssuedData.funcInfo': 'Permission-set ids granted (`func_info[].funcscope_category.id`).',
    'TokenAuthorizerIssuedData.source':
      '`auth_code`: an authorization’s code was exchanged; `sync`: a refresh token was imported from WeChat’s authorizer list (the authorizer service’s sync).',
    'TokenAuthorizerInvalidData.errcode':
      'WeChat’s errcode of the refusal, e.g. 61023 (refresh token invalid).',
    'ReleaseCampaignRef.campaignId': 'The code-release campaign (its id in the admin API and console).',
    'ReleaseCommittedData.templateId': 'The template (代码模板库 id) whose code was uploaded.',
    'ReleaseCommittedData.userVersion': 'The version string uploaded (`user_version`).',
    'ReleaseAuditSubmittedData.auditId': 'WeChat’s id of this review (`auditid`).',
    'ReleaseAuditSucceededData.succeededAt': 'When WeChat approved it.',
    'ReleaseAuditFailedData.reason': 'The reviewer’s reason, as WeChat gives it.',
    'ReleaseAuditDelayedData.reason': 'Why WeChat postponed the review, as WeChat gives it.',
    'ReleaseReleasedData.userVersion': 'The version now online.',
    'ReleaseGraySteppedData.step': 'Which step of the campaign’s gray plan, from 0.',
    'ReleaseGraySteppedData.percentage': 'Share of users who get the new version at this step.',
    'ReleaseGraySteppedData.userVersion': 'The version being rolled out.',
    'ReleaseCampaignFinishedData.counts':
      'Targets per final state, by code-release’s target states: `released`, `reverted`, `rejected`, `failed`, `cancelled`, `skipped`.',
    'ReleaseCampaignStartedData.templateId': 'The template the campaign releases.',
    'ReleaseCampaignStartedData.counts':
      'Targets per state when the event was published (`pending` at the start).',
    'ReleaseCampaignPausedData.reason':
      'Who or what paused it: `operator`, `canary_rejections` (the canary’s reviews failed) or `rejection_threshold` (too many rejections).',
  },
  fieldSince: {
    'ReleaseRevertedData.userVersion': '0.5.0',
    'ReleaseRevertedData.requestedBy': '0.5.0',
  },
};
