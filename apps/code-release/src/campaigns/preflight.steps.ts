import { Injectable } from '@nestjs/common';
import {
  AuthorizerRpcErrorCodes,
  AuthorizerRpcPatterns,
  CodeReleaseRpcErrorCodes,
  type AuthorizerDetail,
  type AuthorizerRefRequest,
  type CampaignPreflight,
  type ReleaseAction,
} from '@wxop/contracts';
import { AmqpRpcClient, RpcRemoteError } from '@wxop/messaging';
import { WechatCodeApi, type ServerDomains, type SetPrivacySettingInput } from '@wxop/wechat-api';

import { ReleaseHistoryRepository } from '../history/release-history.repository';
import { CodeReleaseError } from '../shared/code-release.errors';
import { WechatCalls } from '../shared/wechat-calls.service';
import {
  DOMAIN_KEYS,
  hostsOf,
  missingHosts,
  missingProfile,
  privacyAlreadySet,
  serverDomainChange,
  webviewDomainChange,
} from './preflight.util';

/** Why a target failed its preflight (it is then `failed` with step `preflight` and never committed). */
export interface PreflightFailure {
  errcode?: number;
  message: string;
  reason: string;
}

interface TargetIds {
  componentAppid: string;
  authorizerAppid: string;
  campaignId: string;
}

/**
 * The settings a campaign makes on every target before its commit: server domains, web-view
 * domains, privacy settings. Each reads first and writes only what is missing, so a repeated
 * preflight (after a crash, or a second campaign) changes nothing; each is a release_history row
 * with the campaign as actor. The platform-level lists are checked once, at creation.
 */
@Injectable()
export class PreflightSteps {
  constructor(
    private readonly wechat: WechatCalls,
    private readonly code: WechatCodeApi,
    private readonly history: ReleaseHistoryRepository,
    private readonly rpc: AmqpRpcClient,
  ) {}

  /**
   * Before a campaign is created: the hosts its modify_domain / setwebviewdomain need must be on
   * the platform's modify_wxa_server_domain / modify_wxa_jump_domain lists, or every target
   * would fail (85017, 89021). Missing hosts are added once when `addToPlatform` asks (those
   * lists allow 50 changes a month), else the creation is refused naming them.
   */
  async checkPlatform(componentAppid: string, preflight: CampaignPreflight): Promise<void> {
    const server = preflight.serverDomains;
    if (server && !server.directly) {
      const hosts = hostsOf(DOMAIN_KEYS.flatMap((key) => server[key] ?? []));
      await this.wechat.asComponent(componentAppid, async (token) => {
        const list = await this.code.modifyWxaServerDomain(token, { action: 'get' });
        const missing = missingHosts(hosts, {
          testing: list.testingWxaServerDomain,
          published: list.publishedWxaServerDomain,
        });
        if (missing.length === 0) return;
        if (!server.addToPlatform)
          throw CodeReleaseError.invalid(
            `server domains not on the platform's list (modify_wxa_server_domain): ${missing.join(', ')}; ` +
              'add them there, or set preflight.serverDomains.addToPlatform',
          );
        await this.code.modifyWxaServerDomain(token, { action: 'add', wxaServerDomain: missing });
      });
    }
    const webview = preflight.webviewDomains;
    if (webview) {
      const hosts = hostsOf(webview.domains);
      await this.wechat.asComponent(componentAppid, async (token) => {
        const list = await this.code.modifyWxaJumpDomain(token, { action: 'get' });
        const missing = missingHosts(hosts, {
          testing: list.testingWxaJumpH5Domain,
          published: list.publishedWxaJumpH5Domain,
        });
        if (missing.length === 0) return;
        if (!webview.addToPlatform)
          throw CodeReleaseError.invalid(
            `web-view domains not on the platform's list (modify_wxa_jump_domain): ${missing.join(', ')}; ` +
              'add them there, or set preflight.webviewDomains.addToPlatform',
          );
        await this.code.modifyWxaJumpDomain(token, { action: 'add', wxaJumpH5Domain: missing });
      });
    }
  }

  /** Runs the campaign's settings on one target; a WeChat refusal is its failure, anything else is thrown. */
  async run(ids: TargetIds, preflight: CampaignPreflight | undefined): Promise<PreflightFailure | null> {
    if (!preflight) return null;
    if (preflight.profileCheck) {
      const refused = await this.profile(ids);
      if (refused) return refused;
    }
    const steps: [string, () => Promise<void>][] = [];
    const server = preflight.serverDomains;
    if (server) steps.push(['server_domains', () => this.serverDomains(ids, server)]);
    const webview = preflight.webviewDomains;
    if (webview) steps.push(['webview_domains', () => this.webviewDomains(ids, webview)]);
    const privacy = preflight.privacy;
    if (privacy) steps.push(['privacy_settings', () => this.privacy(ids, privacy as SetPrivacySettingInput)]);
    for (const [reason, step] of steps) {
      try {
        await step();
      } catch (error) {
        if (error instanceof CodeReleaseError && !error.transient && error.details?.errcode !== undefined)
          return { errcode: error.details.errcode, message: error.message, reason };
        throw error;
      }
    }
    return null;
  }

  /** 86002 before any write: the profile as the authorizer service last read it (api_get_authorizer_info). */
  private async profile(ids: TargetIds): Promise<PreflightFailure | null> {
    let detail: AuthorizerDetail;
    try {
      detail = await this.rpc.request<AuthorizerDetail, AuthorizerRefRequest>(
        AuthorizerRpcPatterns.GetAuthorizer,
        {
          componentAppid: ids.componentAppid,
          authorizerAppid: ids.authorizerAppid,
        },
      );
    } catch (error) {
      if (error instanceof RpcRemoteError && error.code === AuthorizerRpcErrorCodes.AuthorizerNotFound)
        return {
          message: 'the authorizer service does not know this mini program',
          reason: 'authorizer_unknown',
        };
      const message = error instanceof Error ? error.message : String(error);
      throw new CodeReleaseError(
        CodeReleaseRpcErrorCodes.Unavailable,
        `authorizer service: ${message}`,
        undefined,
        {
          cause: error,
        },
      );
    }
    const missing = missingProfile(detail);
    return missing.length === 0
      ? null
      : {
          errcode: 86002,
          reason: 'profile_incomplete',
          message: `not set on the mini program: ${missing.join(', ')}`,
        };
  }

  private async serverDomains(
    ids: TargetIds,
    wanted: NonNullable<CampaignPreflight['serverDomains']>,
  ): Promise<void> {
    const action: ReleaseAction = 'domains.set';
    const input = { ...wanted, via: wanted.directly ? 'modify_domain_directly' : 'modify_domain' };
    await this.recorded(ids, action, input, (token) =>
      this.code.getEffectiveDomain(token).then(async (effective) => {
        const current: ServerDomains = wanted.directly ? effective.directDomain : effective.thirdDomain;
        const change = serverDomainChange(current, wanted);
        if (!change) return 'already';
        await (wanted.directly
          ? this.code.modifyDomainDirectly(token, change)
          : this.code.modifyDomain(token, change));
        return 'succeeded';
      }),
    );
  }

  private async webviewDomains(
    ids: TargetIds,
    wanted: NonNullable<CampaignPreflight['webviewDomains']>,
  ): Promise<void> {
    await this.recorded(ids, 'webview-domains.set', wanted, async (token) => {
      const { webviewDomain } = await this.code.setWebviewDomain(token, { action: 'get' });
      const change = webviewDomainChange(webviewDomain, wanted);
      if (!change) return 'already';
      await this.code.setWebviewDomain(token, change);
      return 'succeeded';
    });
  }

  private async privacy(ids: TargetIds, wanted: SetPrivacySettingInput): Promise<void> {
    // Contacts are the provider's, not secrets; the history keeps the keys set, not the texts.
    const input = {
      privacyVer: wanted.privacyVer ?? 2,
      keys: wanted.settingList.map((item) => item.privacyKey),
    };
    await this.recorded(ids, 'privacy.set', input, async (token) => {
      const current = await this.code.getPrivacySetting(token, { privacyVer: wanted.privacyVer ?? 2 });
      if (privacyAlreadySet(current, wanted)) return 'already';
      await this.code.setPrivacySetting(token, wanted);
      return 'succeeded';
    });
  }

  /** One step with the target's token, recorded as succeeded, already (skipped) or failed. */
  private async recorded(
    ids: TargetIds,
    action: ReleaseAction,
    input: object,
    step: (token: string) => Promise<'succeeded' | 'already'>,
  ): Promise<void> {
    const entry = {
      componentAppid: ids.componentAppid,
      authorizerAppid: ids.authorizerAppid,
      action,
      actor: `campaign:${ids.campaignId}`,
      campaignId: ids.campaignId,
      input: input as Record<string, unknown>,
    };
    try {
      const outcome = await this.wechat.asAuthorizer(ids, step);
      await this.history.record({ ...entry, outcome });
    } catch (error) {
      if (error instanceof CodeReleaseError && error.details?.errcode !== undefined)
        await this.history.record({
          ...entry,
          outcome: 'failed',
          errcode: error.details.errcode,
          message: error.message,
        });
      throw error;
    }
  }
}
