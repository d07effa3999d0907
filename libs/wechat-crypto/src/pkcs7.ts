import { WechatCryptoError, WechatCryptoErrorCode } from './wechat-crypto.errors';

/** WeChat pads to 32-byte blocks, not AES's 16 (wechat-protocol.md §1.3). */
export const PADDING_BLOCK_SIZE = 32;

/** Appends n = 32 − (len % 32) bytes of value n (a whole block of 0x20 when aligned). */
export function pad(data: Buffer): Buffer {
  const n = PADDING_BLOCK_SIZE - (data.length % PADDING_BLOCK_SIZE);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

/**
 * Strict unpadding: the last byte n must be 1..32 and the last n bytes must all be n.
 * (Some SDKs tolerate n outside 1..32; WeChat never produces that, so it is rejected here.)
 */
export function unpad(data: Buffer): Buffer {
  const n = data.length > 0 ? data[data.length - 1]! : 0;
  if (n < 1 || n > PADDING_BLOCK_SIZE || n > data.length) {
    throw new WechatCryptoError(WechatCryptoErrorCode.BadPadding, `invalid padding length ${n}`);
  }
  for (let i = data.length - n; i < data.length; i++) {
    if (data[i] !== n) {
      throw new WechatCryptoError(WechatCryptoErrorCode.BadPadding, 'inconsistent padding bytes');
    }
  }
  return data.subarray(0, data.length - n);
}
