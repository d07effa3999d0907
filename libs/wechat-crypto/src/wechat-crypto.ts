import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { pad, PADDING_BLOCK_SIZE, unpad } from './pkcs7';
import { computeSignature, signatureMatches } from './signature';
import { WechatCryptoError, WechatCryptoErrorCode } from './wechat-crypto.errors';

/** The console settings of one third-party platform (wechat-protocol.md §1.1). */
export interface WechatCryptoOptions {
  /** 消息校验Token: only used in SHA-1 signatures. */
  token: string;
  /** 消息加解密Key: 43 characters of [A-Za-z0-9]. */
  encodingAESKey: string;
  /** The component appid: the appid inside every ciphertext, for both push URLs. */
  appid: string;
}

/** Query parameters and body field of an encrypted push. */
export interface EncryptedPush {
  msgSignature: string;
  timestamp: string;
  nonce: string;
  encrypt: string;
}

/** What a ciphertext contained. */
export interface DecryptedMessage {
  /** The inner XML (UTF-8). */
  message: string;
  /** The appid found after the message (equal to the configured one, or decrypt threw). */
  appid: string;
  /** The 16 random bytes that lead the plaintext. */
  random: Buffer;
}

/** An encrypted passive reply, ready to be rendered as the reply XML (§1.5). */
export interface EncryptedReply {
  encrypt: string;
  msgSignature: string;
  timestamp: string;
  nonce: string;
  /** `<xml><Encrypt>…</Encrypt><MsgSignature>…</MsgSignature><TimeStamp>…</TimeStamp><Nonce>…</Nonce></xml>` */
  xml: string;
}

const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;
const RANDOM_LENGTH = 16;
const HEADER_LENGTH = RANDOM_LENGTH + 4;

/** Decodes an EncodingAESKey into the AES-256 key (its first 16 bytes are the IV). */
export function decodeEncodingAESKey(encodingAESKey: string): Buffer {
  if (typeof encodingAESKey !== 'string' || !ENCODING_AES_KEY.test(encodingAESKey)) {
    throw new WechatCryptoError(
      WechatCryptoErrorCode.InvalidAesKey,
      'EncodingAESKey must be exactly 43 characters of [A-Za-z0-9]',
    );
  }
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  if (key.length !== 32) {
    throw new WechatCryptoError(
      WechatCryptoErrorCode.InvalidAesKey,
      'EncodingAESKey does not decode to 32 bytes',
    );
  }
  return key;
}

/**
 * WXBizMsgCrypt for one platform: signatures, AES-256-CBC with WeChat's framing
 * and 32-byte PKCS#7 padding, exactly as wechat-protocol.md §1.
 *
 * Written by hand on node:crypto because the npm ports are unmaintained, use
 * non-constant-time comparisons, or accept malformed padding.
 */
export class WechatCrypto {
  readonly appid: string;
  private readonly token: string;
  private readonly key: Buffer;
  private readonly iv: Buffer;
  private readonly appidBytes: Buffer;

  constructor(options: WechatCryptoOptions) {
    if (!options.token) {
      throw new TypeError('WechatCrypto: token must be a non-empty string');
    }
    if (!options.appid) {
      throw new TypeError('WechatCrypto: appid must be a non-empty string');
    }
    this.key = decodeEncodingAESKey(options.encodingAESKey);
    this.iv = this.key.subarray(0, 16);
    this.token = options.token;
    this.appid = options.appid;
    this.appidBytes = Buffer.from(options.appid, 'utf8');
  }

  /** `msg_signature` of an Encrypt value, or the plain `signature` when `encrypt` is omitted. */
  signature(timestamp: string, nonce: string, encrypt?: string): string {
    return encrypt === undefined
      ? computeSignature(this.token, timestamp, nonce)
      : computeSignature(this.token, timestamp, nonce, encrypt);
  }

  /** Constant-time check of a signature; `encrypt` omitted checks the plain `signature`. */
  verifySignature(signature: string, timestamp: string, nonce: string, encrypt?: string): boolean {
    return signatureMatches(signature, this.signature(timestamp, nonce, encrypt));
  }

  /** Throws INVALID_SIGNATURE unless the signature holds. */
  assertSignature(signature: string, timestamp: string, nonce: string, encrypt?: string): void {
    if (!this.verifySignature(signature, timestamp, nonce, encrypt)) {
      throw new WechatCryptoError(WechatCryptoErrorCode.InvalidSignature, 'signature mismatch');
    }
  }

  /** Verifies `msg_signature`, then decrypts; the usual way to open a push. */
  openPush(push: EncryptedPush): DecryptedMessage {
    this.assertSignature(push.msgSignature, push.timestamp, push.nonce, push.encrypt);
    return this.decrypt(push.encrypt);
  }

  /** Decrypts an `Encrypt` value and checks the appid inside it. Does not check any signature. */
  decrypt(encrypt: string): DecryptedMessage {
    const ciphertext = decodeStrictBase64(encrypt);
    if (ciphertext.length === 0 || ciphertext.length % PADDING_BLOCK_SIZE !== 0) {
      throw new WechatCryptoError(
        WechatCryptoErrorCode.IllegalLength,
        `ciphertext length ${ciphertext.length} is not a positive multiple of ${PADDING_BLOCK_SIZE}`,
      );
    }
    const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv);
    decipher.setAutoPadding(false);
    const plain = unpad(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
    if (plain.length < HEADER_LENGTH) {
      throw new WechatCryptoError(WechatCryptoErrorCode.IllegalLength, 'plaintext shorter than its header');
    }
    const messageLength = plain.readUInt32BE(RANDOM_LENGTH);
    const messageEnd = HEADER_LENGTH + messageLength;
    if (messageEnd > plain.length) {
      throw new WechatCryptoError(
        WechatCryptoErrorCode.IllegalLength,
        `msg_len ${messageLength} exceeds the ${plain.length - HEADER_LENGTH} bytes available`,
      );
    }
    const appidBytes = plain.subarray(messageEnd);
    if (!appidBytes.equals(this.appidBytes)) {
      throw new WechatCryptoError(
        WechatCryptoErrorCode.AppidMismatch,
        'appid inside the ciphertext does not match',
      );
    }
    return {
      random: Buffer.from(plain.subarray(0, RANDOM_LENGTH)),
      message: plain.toString('utf8', HEADER_LENGTH, messageEnd),
      appid: this.appid,
    };
  }

  /**
   * Encrypts a message as WeChat does: random(16) ‖ uint32BE(len) ‖ msg ‖ appid, padded to 32.
   * `random` defaults to 16 random hex characters, like the official SDK's.
   */
  encrypt(message: string | Buffer, random?: Buffer | string): string {
    const randomBytes16 = random === undefined ? defaultRandom() : toBuffer(random);
    if (randomBytes16.length !== RANDOM_LENGTH) {
      throw new TypeError(`WechatCrypto.encrypt: random must be ${RANDOM_LENGTH} bytes`);
    }
    const body = toBuffer(message);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length, 0);
    const plain = pad(Buffer.concat([randomBytes16, length, body, this.appidBytes]));
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
  }

  /** Encrypts and signs a passive reply (§1.5); the signature covers the reply's own timestamp and nonce. */
  encryptReply(
    message: string,
    options: { timestamp?: string; nonce: string; random?: Buffer | string },
  ): EncryptedReply {
    const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
    const encrypt = this.encrypt(message, options.random);
    const msgSignature = this.signature(timestamp, options.nonce, encrypt);
    const xml =
      `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt>` +
      `<MsgSignature><![CDATA[${msgSignature}]]></MsgSignature>` +
      `<TimeStamp>${timestamp}</TimeStamp>` +
      `<Nonce><![CDATA[${cdataSafe(options.nonce)}]]></Nonce></xml>`;
    return { encrypt, msgSignature, timestamp, nonce: options.nonce, xml };
  }
}

/**
 * Standard base64 only. Node's decoder silently skips characters outside the alphabet
 * (and stops at a misplaced '='), so a decoded length other than the one the string's
 * length implies proves a bad character; it also accepts the URL-safe '-' and '_',
 * which are refused explicitly. (A regular expression did the same at 6 µs per push.)
 */
function decodeStrictBase64(value: string): Buffer {
  if (typeof value !== 'string' || value.length % 4 !== 0 || value.includes('-') || value.includes('_')) {
    throw new WechatCryptoError(WechatCryptoErrorCode.BadBase64, 'Encrypt is not valid base64');
  }
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  const decoded = Buffer.from(value, 'base64');
  if (decoded.length !== (value.length / 4) * 3 - padding) {
    throw new WechatCryptoError(WechatCryptoErrorCode.BadBase64, 'Encrypt is not valid base64');
  }
  return decoded;
}

function toBuffer(value: string | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function defaultRandom(): Buffer {
  return Buffer.from(randomBytes(RANDOM_LENGTH / 2).toString('hex'), 'latin1');
}

/** A nonce is echoed from the request; never let it close the CDATA section. */
function cdataSafe(value: string): string {
  return value.replace(/]]>/g, ']]]]><![CDATA[>');
}
