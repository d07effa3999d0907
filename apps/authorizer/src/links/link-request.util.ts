import { APPID_PATTERN, type AuthorizationLinkKind } from '@wxop/contracts';

import { AuthorizerError } from '../shared/authorizer.errors';

export const BIZ_REF_MAX_LENGTH = 128;
const MAX_CATEGORIES = 50;

/** A validated `authorizer.link.create` request. */
export interface LinkOptions {
  componentAppid: string;
  kind: AuthorizationLinkKind;
  authType?: 1 | 2 | 3;
  bizAppid?: string;
  categoryIdList?: number[];
  bizRef?: string;
}

/**
 * Checks a link request as it arrived over RPC (any JSON) and names every problem at once.
 * `defaultComponentAppid` (WECHAT_COMPONENT_APPID) applies when the request names no component.
 */
export function parseLinkRequest(raw: unknown, defaultComponentAppid?: string): LinkOptions {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw AuthorizerError.invalid('the request must be an object');
  }
  const input = raw as Record<string, unknown>;
  const problems: string[] = [];
  const componentAppid = input['componentAppid'] ?? defaultComponentAppid;
  if (typeof componentAppid !== 'string' || !APPID_PATTERN.test(componentAppid)) {
    problems.push('componentAppid must be an appid (1-64 characters of [A-Za-z0-9_-])');
  }
  const kind = input['kind'];
  if (kind !== 'pc' && kind !== 'h5') problems.push("kind must be 'pc' or 'h5'");
  const authType = input['authType'];
  if (authType !== undefined && authType !== 1 && authType !== 2 && authType !== 3) {
    problems.push('authType must be 1 (official accounts), 2 (mini programs) or 3 (both)');
  }
  const bizAppid = input['bizAppid'];
  if (bizAppid !== undefined && (typeof bizAppid !== 'string' || !APPID_PATTERN.test(bizAppid))) {
    problems.push('bizAppid must be an appid (1-64 characters of [A-Za-z0-9_-])');
  }
  if (authType !== undefined && bizAppid !== undefined) {
    problems.push('authType and bizAppid are mutually exclusive (WeChat ignores one of them)');
  }
  const categoryIdList = input['categoryIdList'];
  if (
    categoryIdList !== undefined &&
    (!Array.isArray(categoryIdList) ||
      categoryIdList.length === 0 ||
      categoryIdList.length > MAX_CATEGORIES ||
      !categoryIdList.every((id) => Number.isInteger(id) && (id as number) > 0 && (id as number) < 1e6))
  ) {
    problems.push(`categoryIdList must be 1-${MAX_CATEGORIES} positive integer permission-set ids`);
  }
  const bizRef = input['bizRef'];
  if (
    bizRef !== undefined &&
    (typeof bizRef !== 'string' ||
      bizRef.length === 0 ||
      bizRef.length > BIZ_REF_MAX_LENGTH ||
      // eslint-disable-next-line no-control-regex
      /[\u0000-\u001f\u007f]/.test(bizRef))
  ) {
    problems.push(`bizRef must be 1-${BIZ_REF_MAX_LENGTH} characters without control characters`);
  }
  if (problems.length > 0) throw AuthorizerError.invalid(problems.join('; '));
  const options: LinkOptions = {
    componentAppid: componentAppid as string,
    kind: kind as AuthorizationLinkKind,
  };
  if (authType !== undefined) options.authType = authType as 1 | 2 | 3;
  if (bizAppid !== undefined) options.bizAppid = bizAppid as string;
  if (categoryIdList !== undefined) options.categoryIdList = [...new Set(categoryIdList as number[])];
  if (bizRef !== undefined) options.bizRef = bizRef as string;
  return options;
}
