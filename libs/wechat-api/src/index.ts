export { WechatApiClient, funcInfoIds, type WechatApiClientOptions } from './wechat-api.client';
export {
  WechatApiError,
  WechatTransportError,
  isTransientWechatFailure,
  TOKEN_ERROR_CODES,
  AUTHORIZATION_LOST_CODES,
} from './wechat-api.errors';
export type * from './wechat-api.types';
export { WechatCodeApi } from './wechat-code.client';
export { AuditStatus, WechatCodeErrcode } from './wechat-code.types';
export type * from './wechat-code.types';
export {
  withAuthorizerToken,
  withComponentToken,
  type AuthorizerTokenSource,
  type ComponentTokenSource,
} from './authorizer-calls';
