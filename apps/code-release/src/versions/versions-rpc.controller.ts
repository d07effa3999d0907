import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { WechatComponentConfig } from '@wxop/config';
import {
  CodeReleaseRpcPatterns,
  type AuditQuotaReply,
  type MiniProgramVersions,
  type ReleaseActionReply,
  type ReleaseHistoryPage,
  type SubmitAuditReply,
  type TrialQrcodeReply,
} from '@wxop/contracts';

import { ReleaseHistoryRepository } from '../history/release-history.repository';
import { rpc } from '../shared/rpc.util';
import { readAction, readCommit, readGray, readRef, readSubmit, SUBMIT_FIELDS } from './version-request.util';
import { VersionsService } from './versions.service';

/** One mini program's versions by hand (CodeReleaseRpcPatterns), for admin-api. */
@Controller()
export class VersionsRpcController {
  constructor(
    private readonly versions: VersionsService,
    private readonly history: ReleaseHistoryRepository,
    private readonly component: WechatComponentConfig,
  ) {}

  private get defaultComponent(): string | undefined {
    return this.component.WECHAT_COMPONENT_APPID;
  }

  @MessagePattern(CodeReleaseRpcPatterns.GetVersions)
  get(@Payload() request: unknown): Promise<MiniProgramVersions> {
    return rpc(() => {
      const { reader, ref } = readRef(request, this.defaultComponent);
      reader.done();
      return this.versions.get(ref);
    });
  }

  @MessagePattern(CodeReleaseRpcPatterns.Commit)
  commit(@Payload() request: unknown): Promise<ReleaseActionReply> {
    return rpc(() => {
      const { reader, ctx } = readAction(request, this.defaultComponent, [
        'templateId',
        'extJson',
        'userVersion',
        'userDesc',
      ]);
      const order = readCommit(reader);
      reader.done();
      return this.versions.commit(ctx, order);
    });
  }

  @MessagePattern(CodeReleaseRpcPatterns.GetTrialQrcode)
  qrcode(@Payload() request: unknown): Promise<TrialQrcodeReply> {
    return rpc(() => {
      const { reader, ctx } = readAction(request, this.defaultComponent, ['path']);
      const path = reader.optionalString('path', 512);
      reader.done();
      return this.versions.qrcode(ctx, path);
    });
  }

  @MessagePattern(CodeReleaseRpcPatterns.SubmitAudit)
  submit(@Payload() request: unknown): Promise<SubmitAuditReply> {
    return rpc(() => {
      const { reader, ctx } = readAction(request, this.defaultComponent, SUBMIT_FIELDS);
      const order = readSubmit(reader);
      reader.done();
      return this.versions.submit(ctx, order);
    });
  }

  @MessagePattern(CodeReleaseRpcPatterns.UndoAudit)
  undo(@Payload() request: unknown): Promise<ReleaseActionReply> {
    return rpc(() => {
      const { reader, ctx } = readAction(request, this.defaultComponent);
      reader.done();
      return this.versions.undo(ctx);
    });
  }

  @MessagePattern(CodeReleaseRpcPatterns.SpeedupAudit)
  speedup(@Payload() request: unknown): Promise<ReleaseActionReply> {
    return rpc(() => {
      const { reader, ctx } = readAction(request, this.defaultComponent, ['auditId']);
      const auditId = reader.optionalInteger('auditId', 0, Number.MAX_SAFE_INTEGER);
      reader.done();
      return this.versions.speedup(ctx, auditId);
    });
  }

  @MessagePattern(CodeReleaseRpcPatterns.Release)
  release(@Payload() request: unknown): Promise<ReleaseActionReply> {
    return rpc(() => {
      const { reader, ctx } = readAction(request, this.defaultComponent);
      reader.done();
      return this.versions.release(ctx);
    });
  }

  @MessagePattern(CodeReleaseRpcPatterns.RevertRelease)
  revert(@Payload() request: unknown): Promise<ReleaseActionReply> {
    return rpc(() => {
      const { reader, ctx } = readAction(request, this.defaultComponent, ['appVersion']);
      const appVersion = reader.optionalInteger('appVersion', 0, Number.MAX_SAFE_INTEGER);
      reader.done();
      return this.versions.revert(ctx, appVersion);
    });
  }

  @MessagePattern(CodeReleaseRpcPatterns.SetGrayRelease)
  setGray(@Payload() request: unknown): Promise<ReleaseActionReply> {
    return rpc(() => {
      const { reader, ctx } = readAction(request, this.defaultComponent, [
        'grayPercentage',
        'supportExperiencerFirst',
        'supportDebugerFirst',
      ]);
      const input = readGray(reader);
      reader.done();
      return this.versions.setGray(ctx, input);
    });
  }

  @MessagePattern(CodeReleaseRpcPatterns.RevertGrayRelease)
  revertGray(@Payload() request: unknown): Promise<ReleaseActionReply> {
    return rpc(() => {
      const { reader, ctx } = readAction(request, this.defaultComponent);
      reader.done();
      return this.versions.revertGray(ctx);
    });
  }

  @MessagePattern(CodeReleaseRpcPatterns.SetVisitStatus)
  setVisitStatus(@Payload() request: unknown): Promise<ReleaseActionReply> {
    return rpc(() => {
      const { reader, ctx } = readAction(request, this.defaultComponent, ['action']);
      const action = reader.oneOf('action', ['open', 'close'] as const);
      reader.done();
      return this.versions.setVisitStatus(ctx, action);
    });
  }

  @MessagePattern(CodeReleaseRpcPatterns.ListHistory)
  listHistory(@Payload() request: unknown): Promise<ReleaseHistoryPage> {
    return rpc(() => {
      const { reader, ref } = readRef(request, this.defaultComponent, ['before', 'limit']);
      const before = reader.optionalString('before', 20);
      if (before !== undefined && !/^[1-9][0-9]*$/.test(before))
        reader.problem('before must be a history id');
      const limit = reader.optionalInteger('limit', 1, 200) ?? 50;
      reader.done();
      return this.history.list({ ...ref, limit, ...(before === undefined ? {} : { before }) });
    });
  }

  @MessagePattern(CodeReleaseRpcPatterns.GetQuota)
  quota(@Payload() request: unknown): Promise<AuditQuotaReply> {
    return rpc(() => {
      const { reader, ref } = readRef(request, this.defaultComponent);
      reader.done();
      return this.versions.quota(ref);
    });
  }
}
