/**
 * Request/reply between our services and the token service: PUBLIC CONTRACT inside wxop.
 * DO NOT RENAME a pattern; add new ones instead.
 */
export const TokenRpcPatterns = {
  /** The verification keys of a component app, for ingress. */
  GetComponentKeys: 'token.component-keys.get',
} as const;

/** Error codes the token service answers with (RpcRemoteError.code). */
export const TokenRpcErrorCodes = {
  ComponentNotFound: 'COMPONENT_NOT_FOUND',
} as const;

export interface GetComponentKeysRequest {
  componentAppid: string;
}

/** What ingress needs to verify and decrypt a component's pushes (never published as an event). */
export interface ComponentKeys {
  componentAppid: string;
  /** 消息校验Token */
  token: string;
  /** 消息加解密Key */
  encodingAESKey: string;
}
