import {
  CodeReleaseRpcErrorCodes,
  type CodeReleaseErrorDetails,
  type CodeReleaseRpcErrorCode,
} from '@wxop/contracts';
import { RpcError } from '@wxop/messaging';
import { WechatApiError, WechatCodeErrcode, isTransientWechatFailure } from '@wxop/wechat-api';

/** Transient or not, per code; exhaustive, so a new code that is not classified fails the type check. */
const TRANSIENT: Record<CodeReleaseRpcErrorCode, boolean> = {
  [CodeReleaseRpcErrorCodes.InvalidRequest]: false,
  [CodeReleaseRpcErrorCodes.ComponentNotFound]: false,
  [CodeReleaseRpcErrorCodes.AuthorizerNotFound]: false,
  [CodeReleaseRpcErrorCodes.AuthorizerNotAuthorized]: false,
  [CodeReleaseRpcErrorCodes.CampaignNotFound]: false,
  [CodeReleaseRpcErrorCodes.OperationNotFound]: false,
  [CodeReleaseRpcErrorCodes.OperationNotAllowed]: false,
  [CodeReleaseRpcErrorCodes.TemplateNotFound]: false,
  [CodeReleaseRpcErrorCodes.TemplateLibraryFull]: false,
  [CodeReleaseRpcErrorCodes.PrivacyScanRunning]: true,
  [CodeReleaseRpcErrorCodes.WechatRejected]: false,
  [CodeReleaseRpcErrorCodes.Unavailable]: true,
};

/** A refusal of the code-release service; the same code over RPC (RpcRemoteError.code on the caller's side). */
export class CodeReleaseError extends Error {
  constructor(
    readonly code: CodeReleaseRpcErrorCode,
    message: string,
    readonly details?: CodeReleaseErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CodeReleaseError';
  }

  /** Worth retrying later. */
  get transient(): boolean {
    return TRANSIENT[this.code];
  }

  toRpcError(): RpcError {
    return new RpcError(this.code, this.message, this.details ? { ...this.details } : undefined);
  }

  static invalid(message: string): CodeReleaseError {
    return new CodeReleaseError(CodeReleaseRpcErrorCodes.InvalidRequest, message);
  }
}

/**
 * A WeChat failure as the caller should read it: errcode and errmsg travel in `details`; the
 * template library's 85064/85065 and the privacy scan's 61039 have codes of their own; -1, 5xx
 * and timeouts are UNAVAILABLE. Anything else passes through unchanged.
 */
export function fromWechatError(error: unknown): unknown {
  if (error instanceof WechatApiError) {
    const details = { errcode: error.errcode, errmsg: error.errmsg };
    const where = `${error.endpoint}: ${error.errcode} ${error.errmsg}`;
    switch (error.errcode) {
      case WechatCodeErrcode.TemplateNotFound:
        return new CodeReleaseError(
          CodeReleaseRpcErrorCodes.TemplateNotFound,
          `template or draft not found (${where})`,
          details,
        );
      case WechatCodeErrcode.TemplateLibraryFull:
        return new CodeReleaseError(
          CodeReleaseRpcErrorCodes.TemplateLibraryFull,
          `the template library is full (200); delete a template first (${where})`,
          details,
        );
      case WechatCodeErrcode.PrivacyScanRunning:
        return new CodeReleaseError(
          CodeReleaseRpcErrorCodes.PrivacyScanRunning,
          `privacy scan running, retry later (${where})`,
          details,
        );
    }
    if (isTransientWechatFailure(error)) {
      return new CodeReleaseError(
        CodeReleaseRpcErrorCodes.Unavailable,
        `WeChat is busy (${where})`,
        details,
        {
          cause: error,
        },
      );
    }
    return new CodeReleaseError(
      CodeReleaseRpcErrorCodes.WechatRejected,
      `WeChat refused (${where})`,
      details,
    );
  }
  if (isTransientWechatFailure(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new CodeReleaseError(
      CodeReleaseRpcErrorCodes.Unavailable,
      `WeChat is not answering: ${message}`,
      undefined,
      {
        cause: error,
      },
    );
  }
  return error;
}
