import { Injectable } from '@nestjs/common';
import { AmqpRpcClient, RpcRemoteError } from '@wxop/messaging';

import { ReleasesError, isCodeReleaseErrorCode } from './releases.errors';

/** A WeChat call (commit, submit, release) can take the service several WeChat round trips. */
const CODE_RELEASE_TIMEOUT_MS = 30_000;

/**
 * The code-release service over RPC. Its refusals become ReleasesErrors (status by code, WeChat's
 * errcode/errmsg in details); a timeout or an absent service stays an RpcCallError, which the
 * error filter answers 503.
 */
@Injectable()
export class CodeReleaseClient {
  constructor(private readonly rpc: AmqpRpcClient) {}

  async call<TResult, TData = unknown>(pattern: string, data: TData): Promise<TResult> {
    try {
      return await this.rpc.request<TResult, TData>(pattern, data, { timeoutMs: CODE_RELEASE_TIMEOUT_MS });
    } catch (error) {
      throw translate(error);
    }
  }
}

/** A code-release RpcRemoteError as a ReleasesError; anything else as it is. */
export function translate(error: unknown): unknown {
  if (error instanceof RpcRemoteError && isCodeReleaseErrorCode(error.code))
    return new ReleasesError(error.code, error.message, error.details);
  return error;
}
