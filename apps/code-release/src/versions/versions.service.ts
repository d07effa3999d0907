import { Injectable, Logger } from '@nestjs/common';
import {
  CodeReleaseRpcErrorCodes,
  type AuditItem,
  type AuditQuotaReply,
  type MiniProgramVersions,
  type ReleaseAction,
  type ReleaseActionReply,
  type SubmitAuditReply,
  type TrialQrcodeReply,
} from '@wxop/contracts';
import { MetricsService } from '@wxop/observability';
import {
  AuditStatus,
  WechatApiError,
  WechatCodeApi,
  WechatCodeErrcode,
  type GrayReleaseInput,
  type SubmitAuditInput,
} from '@wxop/wechat-api';
import type { Counter } from 'prom-client';

import { CampaignOperationsRepository } from '../campaigns/campaign-operations.repository';
import { PlatformQuotaRepository } from '../campaigns/platform-quota.repository';
import { settlementOf } from '../campaigns/platform-quota.util';
import { undoDecision, undoLimitsOf, undoPeriods } from '../campaigns/release-operations.util';
import { CodeReleaseConfig } from '../config/code-release.config';
import { ReleaseHistoryRepository } from '../history/release-history.repository';
import { CodeReleaseError } from '../shared/code-release.errors';
import { WechatCalls } from '../shared/wechat-calls.service';
import { defaultAuditItems } from '../shared/audit-items.util';

/** One mini program of one platform. */
export interface MiniProgramRef {
  componentAppid: string;
  authorizerAppid: string;
}

/** Who asks, for which mini program: every action is recorded with it. */
export interface ActionContext extends MiniProgramRef {
  actor: string;
  campaignId?: string;
}

export interface CommitOrder {
  templateId: number;
  extJson: Record<string, unknown>;
  userVersion: string;
  userDesc: string;
}

/** submit_audit's fields; without `itemList` one item is built from get_category and get_page. */
export type SubmitOrder = Omit<SubmitAuditInput, 'itemList' | 'feedbackStuff' | 'previewInfo'> & {
  itemList?: AuditItem[];
};

const STATUS_NAMES: Record<AuditStatus, NonNullable<MiniProgramVersions['audit']>['statusName']> = {
  [AuditStatus.Approved]: 'approved',
  [AuditStatus.Rejected]: 'rejected',
  [AuditStatus.Auditing]: 'auditing',
  [AuditStatus.Withdrawn]: 'withdrawn',
  [AuditStatus.Delayed]: 'delayed',
};

/** get_latest_auditstatus when nothing was ever submitted. */
const NO_VALID_AUDIT_ID = 85058;
/** WeChat's answers for what our own counts refuse before calling it: no quota left, undo limit. */
const QUOTA_EXHAUSTED = 85085;
const UNDO_LIMIT = 87013;

const isoOf = (unixSeconds: number | undefined): string | null =>
  unixSeconds === undefined || unixSeconds <= 0 ? null : new Date(unixSeconds * 1000).toISOString();

const errcodeOf = (error: unknown): number | undefined =>
  error instanceof CodeReleaseError ? error.details?.errcode : undefined;

/**
 * One mini program's versions by hand (the 微管家's 版本管理 page): its trial, audit and online
 * versions in one view, and every action on them through WeChat (§5.2–5.4) with the
 * authorizer's token. Each action, done or refused, is written to the release history with who
 * asked. Ambiguous answers are read as what they mean: 85052 on release is "already released".
 */
@Injectable()
export class VersionsService {
  private readonly logger = new Logger(VersionsService.name);
  private readonly actions: Counter<'action' | 'outcome'>;
  /** The clock of the undo limits' days and months (tests set it). */
  now: () => Date = () => new Date();

  constructor(
    private readonly wechat: WechatCalls,
    private readonly api: WechatCodeApi,
    private readonly history: ReleaseHistoryRepository,
    private readonly config: CodeReleaseConfig,
    metrics: MetricsService,
    private readonly quotaRow: PlatformQuotaRepository,
    private readonly undoCounts: CampaignOperationsRepository,
  ) {
    this.actions = metrics.counter(
      'wxop_code_release_version_actions_total',
      'Actions on one mini program’s versions, by action and outcome (succeeded, already, failed)',
      ['action', 'outcome'],
    );
  }

  /** getversioninfo + get_latest_auditstatus + history + gray plan, read together. */
  async get(ref: MiniProgramRef): Promise<MiniProgramVersions> {
    const [version, audit, history, gray] = await this.wechat.asAuthorizer(ref, (token) =>
      Promise.all([
        this.api.getVersionInfo(token),
        // 85058: nothing was ever submitted.
        this.api.getLatestAuditStatus(token).catch((error: unknown) => {
          if (error instanceof WechatApiError && error.errcode === NO_VALID_AUDIT_ID) return null;
          throw error;
        }),
        this.api.getHistoryVersion(token),
        this.api.getGrayReleasePlan(token),
      ]),
    );
    return {
      componentAppid: ref.componentAppid,
      authorizerAppid: ref.authorizerAppid,
      trial: version.expInfo
        ? {
            userVersion: version.expInfo.expVersion,
            userDesc: version.expInfo.expDesc,
            committedAt: isoOf(version.expInfo.expTime) ?? '',
          }
        : null,
      audit: audit
        ? {
            auditId: audit.auditId,
            status: audit.status,
            statusName: STATUS_NAMES[audit.status] ?? 'unknown',
            reason: audit.reason ?? null,
            screenshots: audit.screenshots,
            userVersion: audit.userVersion ?? null,
            userDesc: audit.userDesc ?? null,
            submittedAt: isoOf(audit.submitAuditTime),
          }
        : null,
      online: version.releaseInfo
        ? {
            userVersion: version.releaseInfo.releaseVersion,
            userDesc: version.releaseInfo.releaseDesc,
            releasedAt: isoOf(version.releaseInfo.releaseTime) ?? '',
          }
        : null,
      history: history.versions.map((v) => ({
        appVersion: v.appVersion,
        userVersion: v.userVersion,
        userDesc: v.userDesc,
        committedAt: isoOf(v.commitTime) ?? '',
      })),
      // WeChat answers an empty plan (all zero) when there never was a phased release.
      grayPlan:
        gray.createTimestamp === 0 && gray.grayPercentage === 0
          ? null
          : {
              status: gray.status,
              grayPercentage: gray.grayPercentage,
              supportExperiencerFirst: gray.supportExperiencerFirst,
              supportDebugerFirst: gray.supportDebugerFirst,
              createdAt: isoOf(gray.createTimestamp),
            },
    };
  }

  /** Uploads a template as the trial version, with ext_json given as an object. */
  async commit(ctx: ActionContext, order: CommitOrder): Promise<ReleaseActionReply> {
    const input = {
      templateId: order.templateId,
      userVersion: order.userVersion,
      userDesc: order.userDesc,
      // ext_json is the merchant's configuration: its keys say what was set without copying values.
      extJsonKeys: Object.keys(order.extJson).sort(),
      extKeys: isObject(order.extJson['ext']) ? Object.keys(order.extJson['ext']).sort() : [],
    };
    const { reply } = await this.act(ctx, 'commit', input, (token) => this.api.commit(token, order));
    return reply;
  }

  /** The trial version's QR code (image bytes, base64 over RPC). */
  async qrcode(ctx: ActionContext, path?: string): Promise<TrialQrcodeReply> {
    const { value } = await this.act(
      ctx,
      'qrcode',
      path === undefined ? {} : { path },
      async (token) => {
        const qrcode = await this.api.getQrcode(token, path === undefined ? {} : { path });
        if (qrcode.image.length > this.config.CODE_RELEASE_QRCODE_MAX_BYTES) {
          throw new CodeReleaseError(
            CodeReleaseRpcErrorCodes.WechatRejected,
            `the QR code image is ${qrcode.image.length} bytes, more than CODE_RELEASE_QRCODE_MAX_BYTES`,
          );
        }
        return qrcode;
      },
      { result: (qrcode) => ({ contentType: qrcode.contentType, bytes: qrcode.image.length }) },
    );
    return { contentType: value!.contentType, imageBase64: value!.image.toString('base64') };
  }

  /**
   * Submits the trial version for audit. Without `itemList`, one item is built from the first
   * category configured (get_category) and the first page of the code (get_page); when either is
   * empty the submit goes without items and WeChat says what is missing (85008 no category).
   * 61039 (privacy scan still running) is PRIVACY_SCAN_RUNNING: submit again later, do not commit again.
   */
  async submit(ctx: ActionContext, order: SubmitOrder): Promise<SubmitAuditReply> {
    const input: Record<string, unknown> = {
      itemList: order.itemList ?? 'from get_category and get_page',
      // Descriptions may carry a test account for the reviewer: lengths only.
      ...(order.versionDesc === undefined ? {} : { versionDescLength: order.versionDesc.length }),
      ...(order.feedbackInfo === undefined ? {} : { feedbackInfoLength: order.feedbackInfo.length }),
      ...(order.privacyApiNotUse === undefined ? {} : { privacyApiNotUse: order.privacyApiNotUse }),
      ...(order.ugcDeclare === undefined ? {} : { ugcDeclare: order.ugcDeclare }),
      ...(order.orderPath === undefined ? {} : { orderPath: order.orderPath }),
    };
    // One unit of the platform-wide row campaigns claim from (ADR 0023), without their reserve:
    // the reserve is kept back for work like this. The claim is outside `act`'s token retry, so a
    // submit resent after a rejected token is not claimed twice.
    const claim = await this.quotaRow.claim(ctx.componentAppid, 0, () => this.quota(ctx));
    if (!claim.granted) {
      return this.refuse(
        ctx,
        'submit',
        input,
        QUOTA_EXHAUSTED,
        'no audit quota left this month (platform quota row)',
      );
    }
    // Settled by WeChat's answer; a submit that never left (get_category failed …) gives its unit back.
    let sent = false;
    let errcode: number | undefined;
    try {
      const { value, reply } = await this.act(
        ctx,
        'submit',
        input,
        async (token) => {
          const itemList = order.itemList ?? (await defaultAuditItems(this.api, token));
          sent = true;
          const { auditId } = await this.api.submitAudit(token, {
            ...order,
            ...(itemList.length > 0 ? { itemList } : { itemList: undefined }),
          });
          return { auditId, itemList };
        },
        { result: ({ auditId, itemList }) => ({ auditId, itemList }) },
      );
      errcode = 0;
      return { ...reply, auditId: value!.auditId };
    } catch (error) {
      errcode = errcodeOf(error);
      throw error;
    } finally {
      await this.quotaRow.settle(ctx.componentAppid, sent ? settlementOf(errcode) : 'refunded');
    }
  }

  /**
   * Withdraws the audit in flight, within the limits campaigns keep (CODE_RELEASE_UNDO_PER_DAY,
   * _PER_MONTH per mini program on Beijing days, counted from release_history): beyond them WeChat
   * is not called and the refusal is the 87013 it would answer. Counted and called under the mini
   * program's undo lock, so two undos at once (by hand or a cancel's) cannot both pass the count.
   */
  async undo(ctx: ActionContext): Promise<ReleaseActionReply> {
    return this.undoCounts.withUndoLock(ctx.componentAppid, ctx.authorizerAppid, async () => {
      const limits = undoLimitsOf(this.config);
      const periods = undoPeriods(this.now(), limits);
      const used = await this.undoCounts.undosUsed(
        ctx.componentAppid,
        ctx.authorizerAppid,
        periods.dayStart,
        periods.monthStart,
      );
      const decision = undoDecision(used, limits);
      if (!decision.allowed) return this.refuse(ctx, 'undo', {}, UNDO_LIMIT, decision.reason);
      return (await this.act(ctx, 'undo', {}, (token) => this.api.undoCodeAudit(token))).reply;
    });
  }

  /** Records and throws a refusal made from our own counts, shaped as WeChat's (WECHAT_REJECTED with its errcode). */
  private async refuse(
    ctx: ActionContext,
    action: ReleaseAction,
    input: Record<string, unknown>,
    errcode: number,
    message: string,
  ): Promise<never> {
    this.actions.inc({ action, outcome: 'failed' });
    await this.history.record({
      componentAppid: ctx.componentAppid,
      authorizerAppid: ctx.authorizerAppid,
      action,
      actor: ctx.actor,
      input,
      ...(ctx.campaignId === undefined ? {} : { campaignId: ctx.campaignId }),
      outcome: 'failed',
      errcode,
      message: `not called: ${message}`,
    });
    throw new CodeReleaseError(CodeReleaseRpcErrorCodes.WechatRejected, `${action}: ${message}`, {
      errcode,
      errmsg: message,
    });
  }

  /** Speeds up the audit in flight (`auditId`, or the latest one), within the platform's speedup_rest. */
  async speedup(ctx: ActionContext, auditId?: number): Promise<ReleaseActionReply> {
    const { reply } = await this.act(
      ctx,
      'speedup',
      auditId === undefined ? {} : { auditId },
      async (token) => {
        const id = auditId ?? (await this.api.getLatestAuditStatus(token)).auditId;
        await this.api.speedupAudit(token, { auditId: id });
        return id;
      },
      { result: (id) => ({ auditId: id }) },
    );
    return reply;
  }

  /** Releases the approved version; 85052 (that version is already online) counts as done. */
  async release(ctx: ActionContext): Promise<ReleaseActionReply> {
    const { reply } = await this.act(ctx, 'release', {}, (token) => this.api.release(token), {
      already: WechatCodeErrcode.AlreadyReleased,
    });
    return reply;
  }

  /** Rolls back to the previous online version, or to `appVersion` (one of versions.history). */
  async revert(ctx: ActionContext, appVersion?: number): Promise<ReleaseActionReply> {
    const { reply } = await this.act(ctx, 'revert', appVersion === undefined ? {} : { appVersion }, (token) =>
      this.api.revertCodeRelease(token, appVersion === undefined ? {} : { appVersion }),
    );
    return reply;
  }

  async setGray(ctx: ActionContext, input: GrayReleaseInput): Promise<ReleaseActionReply> {
    return (await this.act(ctx, 'gray.set', { ...input }, (token) => this.api.grayRelease(token, input)))
      .reply;
  }

  async revertGray(ctx: ActionContext): Promise<ReleaseActionReply> {
    return (await this.act(ctx, 'gray.revert', {}, (token) => this.api.revertGrayRelease(token))).reply;
  }

  async setVisitStatus(ctx: ActionContext, action: 'open' | 'close'): Promise<ReleaseActionReply> {
    return (
      await this.act(ctx, 'visit-status.set', { action }, (token) =>
        this.api.changeVisitStatus(token, { action }),
      )
    ).reply;
  }

  /** The platform's monthly audit quota, read with this mini program's token (queryquota needs one). */
  quota(ref: MiniProgramRef): Promise<AuditQuotaReply> {
    return this.wechat.asAuthorizer(ref, (token) => this.api.queryQuota(token));
  }

  /**
   * Runs one action with the authorizer's token and records it: succeeded, already (WeChat said
   * it was already so: `options.already`), or failed with WeChat's errcode and message. A failed
   * action is rethrown after it is recorded.
   */
  private async act<T>(
    ctx: ActionContext,
    action: ReleaseAction,
    input: Record<string, unknown>,
    work: (accessToken: string) => Promise<T>,
    options: { already?: number; result?: (value: T) => Record<string, unknown> } = {},
  ): Promise<{ value?: T; reply: ReleaseActionReply }> {
    const base = {
      componentAppid: ctx.componentAppid,
      authorizerAppid: ctx.authorizerAppid,
      action,
      actor: ctx.actor,
      input,
      ...(ctx.campaignId === undefined ? {} : { campaignId: ctx.campaignId }),
    };
    let value: T;
    try {
      value = await this.wechat.asAuthorizer(ctx, work);
    } catch (error) {
      const errcode = errcodeOf(error);
      const message = error instanceof Error ? error.message : String(error);
      if (options.already !== undefined && errcode === options.already) {
        const historyId = await this.history.record({ ...base, outcome: 'already', errcode, message });
        this.actions.inc({ action, outcome: 'already' });
        return { reply: { historyId, action, outcome: 'already' } };
      }
      this.actions.inc({ action, outcome: 'failed' });
      await this.history
        .record({ ...base, outcome: 'failed', ...(errcode === undefined ? {} : { errcode }), message })
        .catch((recordError: unknown) =>
          this.logger.error({
            msg: 'release history not written for a failed action',
            ...ctx,
            action,
            error: recordError instanceof Error ? recordError.message : String(recordError),
          }),
        );
      throw error;
    }
    const result = options.result?.(value);
    const historyId = await this.history.record({
      ...base,
      outcome: 'succeeded',
      ...(result === undefined ? {} : { result }),
    });
    this.actions.inc({ action, outcome: 'succeeded' });
    this.logger.log({ msg: 'version action done', ...ctx, action, historyId });
    return { value, reply: { historyId, action, outcome: 'succeeded' } };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
