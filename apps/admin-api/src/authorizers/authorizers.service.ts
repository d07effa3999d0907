import { Injectable } from '@nestjs/common';
import {
  AuthorizerRpcPatterns,
  CAMPAIGN_TARGET_CRITERIA,
  type AuthorizerDetail,
  type AuthorizerPage,
  type AuthorizerRefRequest,
  type GetSyncRequest,
  type SearchAuthorizersRequest,
  type StartSyncRequest,
  type SyncRunSummary,
} from '@wxop/contracts';
import { AmqpRpcClient } from '@wxop/messaging';

/** How long an operator waits for a profile read from WeChat (refresh). */
const REFRESH_TIMEOUT_MS = 20_000;

/** Authorizers, all through the authorizer service (its database is the only record of them). */
@Injectable()
export class AuthorizersService {
  constructor(private readonly rpc: AmqpRpcClient) {}

  search(request: SearchAuthorizersRequest): Promise<AuthorizerPage> {
    return this.rpc.request<AuthorizerPage, SearchAuthorizersRequest>(
      AuthorizerRpcPatterns.SearchAuthorizers,
      request,
    );
  }

  /**
   * How many mini programs a campaign created now with `targetFilter: { bizRefPrefix }` would
   * take (one counted search; the campaign freezes its own list at creation).
   */
  async countCampaignTargets(componentAppid: string, bizRefPrefix: string): Promise<number> {
    const page = await this.search({
      componentAppid,
      ...CAMPAIGN_TARGET_CRITERIA,
      bizRefPrefix,
      limit: 1,
      offset: 0,
    });
    return page.total;
  }

  get(ref: AuthorizerRefRequest): Promise<AuthorizerDetail> {
    return this.rpc.request<AuthorizerDetail, AuthorizerRefRequest>(AuthorizerRpcPatterns.GetAuthorizer, ref);
  }

  refresh(ref: AuthorizerRefRequest): Promise<AuthorizerDetail> {
    return this.rpc.request<AuthorizerDetail, AuthorizerRefRequest>(
      AuthorizerRpcPatterns.RefreshAuthorizer,
      ref,
      {
        timeoutMs: REFRESH_TIMEOUT_MS,
      },
    );
  }

  startSync(request: StartSyncRequest): Promise<SyncRunSummary> {
    return this.rpc.request<SyncRunSummary, StartSyncRequest>(AuthorizerRpcPatterns.StartSync, request);
  }

  getSync(request: GetSyncRequest): Promise<SyncRunSummary> {
    return this.rpc.request<SyncRunSummary, GetSyncRequest>(AuthorizerRpcPatterns.GetSync, request);
  }
}
