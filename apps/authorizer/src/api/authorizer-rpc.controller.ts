import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { WechatComponentConfig } from '@wxop/config';
import {
  AuthorizerRpcErrorCodes,
  AuthorizerRpcPatterns,
  type AuthorizationLinkPage,
  type AuthorizationLinkReply,
  type AuthorizationOutcomePage,
  type AuthorizerDetail,
  type AuthorizerPage,
  type SyncRunSummary,
} from '@wxop/contracts';

import { AuthorizerSearchRepository } from '../authorizers/authorizer-search.repository';
import { ProfilesService } from '../authorizers/profiles.service';
import {
  parseAuthorizerRef,
  parseComponentRequest,
  parseSearchRequest,
} from '../authorizers/search-request.util';
import { LinksService } from '../links/links.service';
import { AuthorizationOutcomeRepository } from '../recovery/authorization-outcome.repository';
import { parseOutcomesRequest } from '../recovery/outcome-request.util';
import { AuthorizerError } from '../shared/authorizer.errors';
import { SyncService } from '../sync/sync.service';

/** Answers an AuthorizerError as the RPC error with the same code (RpcRemoteError on the caller's side). */
async function rpc<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof AuthorizerError ? error.toRpcError() : error;
  }
}

/** The authorizer's RPC (libs/contracts AuthorizerRpcPatterns), for admin-api. */
@Controller()
export class AuthorizerRpcController {
  constructor(
    private readonly links: LinksService,
    private readonly authorizerSearch: AuthorizerSearchRepository,
    private readonly profiles: ProfilesService,
    private readonly syncs: SyncService,
    private readonly outcomes: AuthorizationOutcomeRepository,
    private readonly component: WechatComponentConfig,
  ) {}

  @MessagePattern(AuthorizerRpcPatterns.CreateLink)
  createLink(@Payload() request: unknown): Promise<AuthorizationLinkReply> {
    return rpc(() => this.links.create(request));
  }

  @MessagePattern(AuthorizerRpcPatterns.ListLinks)
  listLinks(@Payload() request: unknown): Promise<AuthorizationLinkPage> {
    return rpc(() => this.links.list(request));
  }

  @MessagePattern(AuthorizerRpcPatterns.SearchAuthorizers)
  search(@Payload() request: unknown): Promise<AuthorizerPage> {
    return rpc(async () => {
      const filter = parseSearchRequest(request, this.component.WECHAT_COMPONENT_APPID);
      const { total, items, nextAfterAuthorizerAppid } = await this.authorizerSearch.search(filter);
      return {
        total,
        offset: filter.offset,
        limit: filter.limit,
        items,
        ...(nextAfterAuthorizerAppid === undefined ? {} : { nextAfterAuthorizerAppid }),
      };
    });
  }

  @MessagePattern(AuthorizerRpcPatterns.GetAuthorizer)
  get(@Payload() request: unknown): Promise<AuthorizerDetail> {
    return rpc(() => this.detail(request));
  }

  @MessagePattern(AuthorizerRpcPatterns.RefreshAuthorizer)
  refresh(@Payload() request: unknown): Promise<AuthorizerDetail> {
    return rpc(async () => {
      const { componentAppid, authorizerAppid } = parseAuthorizerRef(
        request,
        this.component.WECHAT_COMPONENT_APPID,
      );
      await this.profiles.refresh(componentAppid, authorizerAppid);
      return this.detail(request);
    });
  }

  @MessagePattern(AuthorizerRpcPatterns.StartSync)
  startSync(@Payload() request: unknown): Promise<SyncRunSummary> {
    return rpc(() => {
      const { componentAppid } = parseComponentRequest(request, this.component.WECHAT_COMPONENT_APPID);
      return this.syncs.start(componentAppid, 'operator');
    });
  }

  @MessagePattern(AuthorizerRpcPatterns.GetSync)
  getSync(@Payload() request: unknown): Promise<SyncRunSummary> {
    return rpc(() => {
      const { componentAppid, syncId } = parseComponentRequest(
        request,
        this.component.WECHAT_COMPONENT_APPID,
      );
      return this.syncs.find(componentAppid, syncId);
    });
  }

  @MessagePattern(AuthorizerRpcPatterns.ListAuthorizationOutcomes)
  listOutcomes(@Payload() request: unknown): Promise<AuthorizationOutcomePage> {
    return rpc(async () => {
      const filter = parseOutcomesRequest(request, this.component.WECHAT_COMPONENT_APPID);
      const { total, items } = await this.outcomes.list(filter);
      return { total, offset: filter.offset, limit: filter.limit, items };
    });
  }

  private async detail(request: unknown): Promise<AuthorizerDetail> {
    const { componentAppid, authorizerAppid } = parseAuthorizerRef(
      request,
      this.component.WECHAT_COMPONENT_APPID,
    );
    const detail = await this.authorizerSearch.detail(componentAppid, authorizerAppid);
    if (!detail) {
      throw new AuthorizerError(
        AuthorizerRpcErrorCodes.AuthorizerNotFound,
        `authorizer ${authorizerAppid} is unknown for ${componentAppid}`,
      );
    }
    return detail;
  }
}
