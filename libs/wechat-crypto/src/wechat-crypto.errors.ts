/**
 * Why a push or reply failed the WXBizMsgCrypt checks. Each code maps to the
 * official sample's numeric code (wechat-protocol.md §1.4), kept in `officialCode`.
 */
export enum WechatCryptoErrorCode {
  /** msg_signature (or signature) does not match: forged, tampered or wrong token. (-40001) */
  InvalidSignature = 'INVALID_SIGNATURE',
  /** EncodingAESKey is not 43 characters of [A-Za-z0-9] decoding to 32 bytes. (-40004) */
  InvalidAesKey = 'INVALID_AES_KEY',
  /** The appid at the end of the plaintext is not the expected component appid. (-40005) */
  AppidMismatch = 'APPID_MISMATCH',
  /** The PKCS#7 (block size 32) padding of the decrypted bytes is not valid. (-40007) */
  BadPadding = 'BAD_PADDING',
  /** Ciphertext or plaintext lengths are impossible (not whole blocks, msg_len out of range). (-40008) */
  IllegalLength = 'ILLEGAL_LENGTH',
  /** `Encrypt` is not standard base64. (-40010) */
  BadBase64 = 'BAD_BASE64',
}

const officialCodes: Record<WechatCryptoErrorCode, number> = {
  [WechatCryptoErrorCode.InvalidSignature]: -40001,
  [WechatCryptoErrorCode.InvalidAesKey]: -40004,
  [WechatCryptoErrorCode.AppidMismatch]: -40005,
  [WechatCryptoErrorCode.BadPadding]: -40007,
  [WechatCryptoErrorCode.IllegalLength]: -40008,
  [WechatCryptoErrorCode.BadBase64]: -40010,
};

/** The one error type of this library; messages never contain keys or plaintext. */
export class WechatCryptoError extends Error {
  readonly officialCode: number;

  constructor(
    readonly code: WechatCryptoErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WechatCryptoError';
    this.officialCode = officialCodes[code];
  }
}
