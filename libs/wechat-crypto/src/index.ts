export { computeSignature, signatureMatches } from './signature';
export { pad, unpad, PADDING_BLOCK_SIZE } from './pkcs7';
export {
  WechatCrypto,
  decodeEncodingAESKey,
  type WechatCryptoOptions,
  type EncryptedPush,
  type DecryptedMessage,
  type EncryptedReply,
} from './wechat-crypto';
export { WechatCryptoError, WechatCryptoErrorCode } from './wechat-crypto.errors';
