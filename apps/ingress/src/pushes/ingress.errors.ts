import { WechatCryptoErrorCode } from '@wxop/wechat-crypto';

/** Why ingress refused a push; each maps to the status CONTRACT.md §1 gives. */
export enum IngressErrorCode {
  MissingSignature = 'MISSING_SIGNATURE',
  InvalidSignature = 'INVALID_SIGNATURE',
  StaleTimestamp = 'STALE_TIMESTAMP',
  UnknownComponent = 'UNKNOWN_COMPONENT',
  UnsupportedEncryption = 'UNSUPPORTED_ENCRYPTION',
  MalformedXml = 'MALFORMED_XML',
  BodyTooLarge = 'BODY_TOO_LARGE',
  BadCiphertext = 'BAD_CIPHERTEXT',
  AppidMismatch = 'APPID_MISMATCH',
  OuterMismatch = 'OUTER_MISMATCH',
  UnknownPushKind = 'UNKNOWN_PUSH_KIND',
  KeysUnavailable = 'KEYS_UNAVAILABLE',
  NotStored = 'NOT_STORED',
  /** A consumer queue that must receive pushes does not exist yet (INGRESS_REQUIRED_QUEUES). */
  ConsumersMissing = 'CONSUMERS_MISSING',
  /** The broker routed the push to no queue at all: nobody would have received it. */
  Unroutable = 'UNROUTABLE',
}

/** HTTP status per code; exhaustive, so a new code that is not mapped fails the type check. */
export const INGRESS_ERROR_STATUS: Record<IngressErrorCode, number> = {
  [IngressErrorCode.MissingSignature]: 401,
  [IngressErrorCode.InvalidSignature]: 401,
  [IngressErrorCode.StaleTimestamp]: 401,
  [IngressErrorCode.UnknownComponent]: 404,
  [IngressErrorCode.UnsupportedEncryption]: 400,
  [IngressErrorCode.MalformedXml]: 400,
  [IngressErrorCode.BodyTooLarge]: 413,
  [IngressErrorCode.BadCiphertext]: 400,
  [IngressErrorCode.AppidMismatch]: 400,
  [IngressErrorCode.OuterMismatch]: 400,
  [IngressErrorCode.UnknownPushKind]: 400,
  [IngressErrorCode.KeysUnavailable]: 503,
  [IngressErrorCode.NotStored]: 503,
  [IngressErrorCode.ConsumersMissing]: 503,
  [IngressErrorCode.Unroutable]: 503,
};

export class IngressError extends Error {
  constructor(
    readonly code: IngressErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IngressError';
  }

  get status(): number {
    return INGRESS_ERROR_STATUS[this.code];
  }
}

/** Maps a WeChat crypto failure to the ingress code (wrong signature 401, the rest 400). */
export function fromCryptoError(code: WechatCryptoErrorCode): IngressErrorCode {
  switch (code) {
    case WechatCryptoErrorCode.InvalidSignature:
      return IngressErrorCode.InvalidSignature;
    case WechatCryptoErrorCode.AppidMismatch:
      return IngressErrorCode.AppidMismatch;
    case WechatCryptoErrorCode.BadBase64:
    case WechatCryptoErrorCode.BadPadding:
    case WechatCryptoErrorCode.IllegalLength:
    case WechatCryptoErrorCode.InvalidAesKey:
      return IngressErrorCode.BadCiphertext;
  }
}
