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

  constructor(
    private readonly wechat: WechatCalls,
    private readonly api: WechatCodeApi,
    private readonly history: ReleaseHistoryRepository,
    private readonly config: CodeReleaseConfig,
    metrics: MetricsService,
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
    const { value, reply } = await this.act(
      ctx,
      'submit',
      input,
      async (token) => {
        const itemList = order.itemList ?? (await defaultAuditItems(this.api, token));
        const { auditId } = await this.api.submitAudit(token, {
          ...order,
          ...(itemList.length > 0 ? { itemList } : { itemList: undefined }),
        });
        return { auditId, itemList };
      },
      { result: ({ auditId, itemList }) => ({ auditId, itemList }) },
    );
    return { ...reply, auditId: value!.auditId };
  }

  /** Withdraws the audit in flight (5 a day, 10 a month: 87013). */
  async undo(ctx: ActionContext): Promise<ReleaseActionReply> {
    return (await this.act(ctx, 'undo', {}, (token) => this.api.undoCodeAudit(token))).reply;
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
