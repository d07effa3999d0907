import { CodeReleaseRpcErrorCodes, type CodeReleaseRpcErrorCode } from '@wxop/contracts';

import { AdminApiError } from '../shared/admin-api.errors';

/**
 * HTTP status of each refusal of the code-release service; exhaustive, so a code added to the
 * contract without a status here fails the type check.
 */
export const CODE_RELEASE_ERROR_STATUS: Record<CodeReleaseRpcErrorCode, number> = {
  [CodeReleaseRpcErrorCodes.InvalidRequest]: 400,
  [CodeReleaseRpcErrorCodes.ComponentNotFound]: 404,
  [CodeReleaseRpcErrorCodes.AuthorizerNotFound]: 404,
  // The merchant revoked the authorization: the mini program is known but cannot be acted on.
  [CodeReleaseRpcErrorCodes.AuthorizerNotAuthorized]: 409,
  [CodeReleaseRpcErrorCodes.CampaignNotFound]: 404,
  [CodeReleaseRpcErrorCodes.OperationNotFound]: 404,
  // The campaign's mode or status does not allow the operation (e.g. approve on an on_approval campaign).
  [CodeReleaseRpcErrorCodes.OperationNotAllowed]: 409,
  [CodeReleaseRpcErrorCodes.TemplateNotFound]: 404,
  // 85065: the library holds 200 templates; the operator must delete one first.
  [CodeReleaseRpcErrorCodes.TemplateLibraryFull]: 409,
  // 61039: the privacy scan after a commit is still running; the same submit works in a minute.
  [CodeReleaseRpcErrorCodes.PrivacyScanRunning]: 409,
  // WeChat refused the call (its errcode/errmsg in details).
  [CodeReleaseRpcErrorCodes.WechatRejected]: 502,
  [CodeReleaseRpcErrorCodes.Unavailable]: 503,
};

const KNOWN_CODES = new Set<string>(Object.values(CodeReleaseRpcErrorCodes));

export function isCodeReleaseErrorCode(code: string): code is CodeReleaseRpcErrorCode {
  return KNOWN_CODES.has(code);
}

/**
 * A refusal of the code-release service in admin-api's error format: `error` is its code in lower
 * case (`template_library_full`), `details` keeps WeChat's `errcode` and `errmsg` and the service's
 * other details.
 */
export class ReleasesError extends AdminApiError {
  constructor(code: CodeReleaseRpcErrorCode, message: string, details?: Record<string, unknown>) {
    super(code.toLowerCase(), CODE_RELEASE_ERROR_STATUS[code], message, details);
    this.name = 'ReleasesError';
  }
}
