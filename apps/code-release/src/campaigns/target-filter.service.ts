import { Injectable } from '@nestjs/common';
import {
  AuthorizerRpcErrorCodes,
  AuthorizerRpcPatterns,
  CAMPAIGN_TARGET_CRITERIA,
  CodeReleaseRpcErrorCodes,
  type AuthorizerPage,
  type CampaignTargetFilter,
  type SearchAuthorizersRequest,
} from '@wxop/contracts';
import { AmqpRpcClient, RpcRemoteError } from '@wxop/messaging';

import { CodeReleaseError } from '../shared/code-release.errors';
import type { NewTarget } from './campaign.repository';

/** Authorizer-service pages of 200 (its maximum): 500 requests for the largest campaign. */
const PAGE = 200;
export const MAX_TARGETS = 100_000;
/** Authorizer-service pages asked at once when reading explicit targets' profiles. */
const PROFILE_PAGES_AT_ONCE = 6;

/**
 * Resolves a campaign's `targetFilter` over `authorizer.authorizers.search` at creation: mini
 * programs, authorized, credential active, permission set 18, by bizRef list or prefix. Pages by
 * key (appid order) without counting after the first page, so a 100,000-target campaign costs
 * the authorizer service 500 index-ordered reads of 200 rows and one count.
 */
@Injectable()
export class TargetFilterService {
  constructor(private readonly rpc: AmqpRpcClient) {}

  async resolve(componentAppid: string, filter: CampaignTargetFilter): Promise<NewTarget[]> {
    const query: SearchAuthorizersRequest = {
      componentAppid,
      ...CAMPAIGN_TARGET_CRITERIA,
      ...(filter.bizRefs ? { bizRefs: filter.bizRefs } : {}),
      ...(filter.bizRefPrefix !== undefined ? { bizRefPrefix: filter.bizRefPrefix } : {}),
      limit: PAGE,
    };
    const targets: NewTarget[] = [];
    let after: string | undefined = '';
    let first = true;
    while (after !== undefined) {
      const page = await this.search({ ...query, afterAuthorizerAppid: after, countTotal: first });
      if (first && page.total > MAX_TARGETS)
        throw CodeReleaseError.invalid(
          `targetFilter matches ${page.total} mini programs; a campaign takes at most ${MAX_TARGETS}`,
        );
      first = false;
      for (const item of page.items)
        targets.push({
          authorizerAppid: item.authorizerAppid,
          bizRef: item.bizRef,
          nickName: item.nickName,
          variables: null,
        });
      if (targets.length > MAX_TARGETS)
        throw CodeReleaseError.invalid(`targetFilter matches more than ${MAX_TARGETS} mini programs`);
      after = page.nextAfterAuthorizerAppid;
    }
    if (targets.length === 0)
      throw CodeReleaseError.invalid(
        `targetFilter matches no mini program (authorized, credential active, permission set 18, ${
          filter.bizRefs
            ? `bizRef in ${filter.bizRefs.length} given`
            : `bizRef starting with "${filter.bizRefPrefix}"`
        })`,
      );
    return targets;
  }

  /**
   * The bizRef and nick name the authorizer service holds for these appids (of the component), in
   * pages of 200 by appid list: what an explicit target's ext_json may use when the operator gave
   * none. Appids it does not know are absent from the answer.
   */
  async profiles(
    componentAppid: string,
    appids: readonly string[],
  ): Promise<Map<string, { bizRef: string | null; nickName: string | null }>> {
    const found = new Map<string, { bizRef: string | null; nickName: string | null }>();
    const chunks: string[][] = [];
    for (let start = 0; start < appids.length; start += PAGE) chunks.push(appids.slice(start, start + PAGE));
    // A few pages at a time: 100,000 explicit targets are 500 pages, within admin-api's 30 s.
    for (let first = 0; first < chunks.length; first += PROFILE_PAGES_AT_ONCE) {
      const pages = await Promise.all(
        chunks.slice(first, first + PROFILE_PAGES_AT_ONCE).map((authorizerAppids) =>
          this.search({
            componentAppid,
            authorizerAppids,
            afterAuthorizerAppid: '',
            countTotal: false,
            limit: PAGE,
          }),
        ),
      );
      for (const item of pages.flatMap((page) => page.items))
        found.set(item.authorizerAppid, { bizRef: item.bizRef, nickName: item.nickName });
    }
    return found;
  }

  private async search(request: SearchAuthorizersRequest): Promise<AuthorizerPage> {
    try {
      return await this.rpc.request<AuthorizerPage, SearchAuthorizersRequest>(
        AuthorizerRpcPatterns.SearchAuthorizers,
        request,
      );
    } catch (error) {
      if (error instanceof RpcRemoteError && error.code === AuthorizerRpcErrorCodes.InvalidRequest)
        throw CodeReleaseError.invalid(`authorizer service: ${error.message}`);
      if (error instanceof RpcRemoteError && error.code === AuthorizerRpcErrorCodes.ComponentNotFound)
        throw new CodeReleaseError(CodeReleaseRpcErrorCodes.ComponentNotFound, error.message);
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
  }
}
