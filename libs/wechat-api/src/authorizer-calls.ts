import { WechatApiError } from './wechat-api.errors';

/**
 * Where an app gets an authorizer's access token: the token service (`token.authorizer-access-token.get`
 * / `.invalidate` over RPC). Only the token service refreshes (wechat-protocol.md §7).
 */
export interface AuthorizerTokenSource {
  get(componentAppid: string, authorizerAppid: string): Promise<string>;
  /**
   * Compare-and-set: refreshes only if `rejectedToken` is still the current token, and returns the
   * current token either way (a newer one someone else already got, or the fresh one).
   */
  invalidate(componentAppid: string, authorizerAppid: string, rejectedToken: string): Promise<string>;
}

/** The component-token twin of AuthorizerTokenSource (`token.component-access-token.get` / `.invalidate`). */
export interface ComponentTokenSource {
  get(componentAppid: string): Promise<string>;
  /** Compare-and-set, as AuthorizerTokenSource.invalidate. */
  invalidate(componentAppid: string, rejectedToken: string): Promise<string>;
}

/** 40001 / 40014 / 42001: the token was superseded, malformed or expired. */
function tokenRejected(error: unknown): boolean {
  return error instanceof WechatApiError && error.tokenRejected;
}

/**
 * Runs `call` with the authorizer's current token; if WeChat rejects the token (40001/40014/42001)
 * it is invalidated by compare-and-set and the call is made once more with the token the source
 * returns. A second rejection is thrown as it is.
 */
export async function withAuthorizerToken<T>(
  source: AuthorizerTokenSource,
  ids: { componentAppid: string; authorizerAppid: string },
  call: (accessToken: string) => Promise<T>,
): Promise<T> {
  const token = await source.get(ids.componentAppid, ids.authorizerAppid);
  try {
    return await call(token);
  } catch (error) {
    if (!tokenRejected(error)) throw error;
    const current = await source.invalidate(ids.componentAppid, ids.authorizerAppid, token);
    return call(current);
  }
}

/** withAuthorizerToken for calls made with the component token (the template library, §5.1). */
export async function withComponentToken<T>(
  source: ComponentTokenSource,
  ids: { componentAppid: string },
  call: (componentToken: string) => Promise<T>,
): Promise<T> {
  const token = await source.get(ids.componentAppid);
  try {
    return await call(token);
  } catch (error) {
    if (!tokenRejected(error)) throw error;
    const current = await source.invalidate(ids.componentAppid, token);
    return call(current);
  }
}
