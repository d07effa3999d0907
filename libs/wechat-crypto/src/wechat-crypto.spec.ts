import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import vectorsFile from '../test/fixtures/crypto-vectors.json';
import { computeSignature, signatureMatches } from './signature';
import { decodeEncodingAESKey, WechatCrypto } from './wechat-crypto';
import { WechatCryptoError, WechatCryptoErrorCode } from './wechat-crypto.errors';

interface Vector {
  id: string;
  token: string;
  encodingAESKey: string;
  timestamp: string;
  nonce: string;
  encrypt: string;
  expected: { msgSignature: string; random: string; plaintext: string; appid: string; urlSignature?: string };
  reply?: {
    plaintext: string;
    random: string;
    timestamp: string;
    nonce: string;
    encrypt: string;
    msgSignature: string;
  };
}

const vectors = (vectorsFile as { vectors: Vector[] }).vectors;
const TOKEN = 'pamtest';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = 'wxb11529c136998cb6';

function expectCryptoError(fn: () => unknown, code: WechatCryptoErrorCode): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(WechatCryptoError);
  expect((thrown as WechatCryptoError).code).toBe(code);
}

/** Encrypts arbitrary bytes with the platform key and no padding at all, to forge bad plaintexts. */
function rawEncrypt(encodingAESKey: string, plain: Buffer): string {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

function rawDecrypt(encodingAESKey: string, encrypt: string): Buffer {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
}

function frame(random: string, message: Buffer, appid: string, declaredLength = message.length): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(declaredLength, 0);
  return Buffer.concat([Buffer.from(random, 'latin1'), length, message, Buffer.from(appid)]);
}

describe(WechatCrypto.name, () => {
  describe('known-answer vectors (shared/fixtures/crypto-vectors.json)', () => {
    it('has every vector of wechat-protocol.md §1.6', () => {
      expect(vectors.map((v) => v.id)).toEqual([
        'official-component-debug-demo',
        'wxjava-utf8',
        'wxjava-video',
        'easywechat-text',
      ]);
    });

    describe.each(vectors.map((v) => [v.id, v] as const))('%s', (_id, vector) => {
      const sut = new WechatCrypto({
        token: vector.token,
        encodingAESKey: vector.encodingAESKey,
        appid: vector.expected.appid,
      });

      it('computes the msg_signature', () => {
        expect(sut.signature(vector.timestamp, vector.nonce, vector.encrypt)).toBe(
          vector.expected.msgSignature,
        );
      });

      it('verifies the push and decrypts message, random and appid', () => {
        const opened = sut.openPush({
          msgSignature: vector.expected.msgSignature,
          timestamp: vector.timestamp,
          nonce: vector.nonce,
          encrypt: vector.encrypt,
        });
        expect(opened.message).toBe(vector.expected.plaintext);
        expect(opened.random.toString('latin1')).toBe(vector.expected.random);
        expect(opened.appid).toBe(vector.expected.appid);
      });

      it('re-encrypts to the exact same ciphertext given the same random', () => {
        expect(sut.encrypt(vector.expected.plaintext, vector.expected.random)).toBe(vector.encrypt);
      });

      if (vector.expected.urlSignature) {
        const urlSignature = vector.expected.urlSignature;
        it('computes the legacy URL signature over token, timestamp and nonce', () => {
          expect(sut.signature(vector.timestamp, vector.nonce)).toBe(urlSignature);
          expect(sut.verifySignature(urlSignature, vector.timestamp, vector.nonce)).toBe(true);
        });
      }

      if (vector.reply) {
        const reply = vector.reply;
        it('produces the official encrypted reply byte for byte', () => {
          const result = sut.encryptReply(reply.plaintext, {
            timestamp: reply.timestamp,
            nonce: reply.nonce,
            random: reply.random,
          });
          expect(result.encrypt).toBe(reply.encrypt);
          expect(result.msgSignature).toBe(reply.msgSignature);
          expect(result.xml).toBe(
            `<xml><Encrypt><![CDATA[${reply.encrypt}]]></Encrypt>` +
              `<MsgSignature><![CDATA[${reply.msgSignature}]]></MsgSignature>` +
              `<TimeStamp>${reply.timestamp}</TimeStamp><Nonce><![CDATA[${reply.nonce}]]></Nonce></xml>`,
          );
          expect(sut.decrypt(result.encrypt).message).toBe(reply.plaintext);
        });
      }
    });

    it('pads the official example with 22 bytes of value 22', () => {
      const v0 = vectors[0]!;
      const plain = rawDecrypt(v0.encodingAESKey, v0.encrypt);
      expect(plain.readUInt32BE(16)).toBe(292);
      expect([...plain.subarray(plain.length - 22)]).toEqual(new Array(22).fill(22));
    });

    it('matches the plain signature examples of the same documentation family', () => {
      expect(computeSignature('AAAAA', '1714036504', '1514711492')).toBe(
        'f464b24fc39322e44b38aa78f5edd27bd1441696',
      );
      expect(computeSignature('AAAAA', '1714037059', '486452656')).toBe(
        '899cf89e464efb63f54ddac96b0a0a235f53aa78',
      );
    });
  });

  describe('round trips', () => {
    const sut = new WechatCrypto({ token: TOKEN, encodingAESKey: KEY, appid: APPID });
    // FullStr = 16 + 4 + msg + appid(18): 38 + n bytes, so n ≡ 26 (mod 32) is block aligned.
    const boundaryLengths = [0, 1, 25, 26, 27, 57, 58, 59, 1018, 1024, 4090, 65530, 65536];
    const randomLengths = Array.from({ length: 40 }, () => Math.floor(Math.random() * 65537));

    it.each([...boundaryLengths, ...randomLengths])(
      'round-trips %i random bytes as a binary-safe message',
      (n) => {
        // Base64 keeps arbitrary bytes as valid UTF-8 text of a known length.
        const message = randomBytes(n).toString('base64').slice(0, n);
        const encrypt = sut.encrypt(message);
        const ciphertextLength = Buffer.from(encrypt, 'base64').length;
        expect(ciphertextLength % 32).toBe(0);
        expect(ciphertextLength).toBeGreaterThan(38 + n); // padding is never empty
        expect(ciphertextLength).toBeLessThanOrEqual(38 + n + 32);
        expect(sut.decrypt(encrypt).message).toBe(message);
      },
    );

    it('adds a whole 32-byte block of 0x20 when the plaintext is already aligned', () => {
      const encrypt = sut.encrypt('x'.repeat(26), 'aaaabbbbccccdddd');
      const plain = rawDecrypt(KEY, encrypt);
      expect(plain.length).toBe(96);
      expect([...plain.subarray(64)]).toEqual(new Array(32).fill(32));
    });

    it.each([
      ['Chinese', '我是中文abcd123'],
      ['emoji', '🧧 红包 🎉'.repeat(100)],
      ['mixed XML', '<xml><Content><![CDATA[你好，世界 — ¿qué? ✓]]></Content></xml>'],
      ['multi-byte on a block edge', '中'.repeat(32)],
    ])('keeps multi-byte UTF-8 intact (%s) and frames by byte length', (_name, message) => {
      const encrypt = sut.encrypt(message, 'aaaabbbbccccdddd');
      expect(rawDecrypt(KEY, encrypt).readUInt32BE(16)).toBe(Buffer.byteLength(message));
      expect(sut.decrypt(encrypt).message).toBe(message);
    });

    it('uses fresh random bytes for every encryption by default', () => {
      expect(sut.encrypt('same')).not.toBe(sut.encrypt('same'));
    });

    it('escapes a nonce that would close the CDATA section of a reply', () => {
      const reply = sut.encryptReply('<xml/>', { nonce: 'a]]>b', timestamp: '1' });
      expect(reply.xml).toContain('<Nonce><![CDATA[a]]]]><![CDATA[>b]]></Nonce>');
      expect(reply.msgSignature).toBe(computeSignature(TOKEN, '1', 'a]]>b', reply.encrypt));
    });
  });

  describe('rejections', () => {
    const sut = new WechatCrypto({ token: TOKEN, encodingAESKey: KEY, appid: APPID });
    const timestamp = '1409304348';
    const nonce = 'xxxxxx';
    const encrypt = sut.encrypt('<xml><Content>hi</Content></xml>', 'aaaabbbbccccdddd');
    const msgSignature = sut.signature(timestamp, nonce, encrypt);

    it('accepts the untouched push', () => {
      expect(sut.openPush({ msgSignature, timestamp, nonce, encrypt }).message).toContain('hi');
    });

    it('rejects a tampered ciphertext through its signature', () => {
      const bytes = Buffer.from(encrypt, 'base64');
      bytes[5] = bytes[5]! ^ 0x01;
      const tampered = bytes.toString('base64');
      expectCryptoError(
        () => sut.openPush({ msgSignature, timestamp, nonce, encrypt: tampered }),
        WechatCryptoErrorCode.InvalidSignature,
      );
    });

    it.each([
      ['one character changed', `${msgSignature.slice(0, -1)}${msgSignature.endsWith('0') ? '1' : '0'}`],
      ['upper case', msgSignature.toUpperCase()],
      ['truncated', msgSignature.slice(0, 39)],
      ['empty', ''],
      ['the plain signature instead of msg_signature', sut.signature(timestamp, nonce)],
    ])('rejects a signature that is %s', (_name, signature) => {
      expectCryptoError(
        () => sut.openPush({ msgSignature: signature, timestamp, nonce, encrypt }),
        WechatCryptoErrorCode.InvalidSignature,
      );
    });

    it('rejects a signature computed over another timestamp or nonce', () => {
      expectCryptoError(
        () => sut.openPush({ msgSignature, timestamp: '1409304349', nonce, encrypt }),
        WechatCryptoErrorCode.InvalidSignature,
      );
      expectCryptoError(
        () => sut.openPush({ msgSignature, timestamp, nonce: 'yyyyyy', encrypt }),
        WechatCryptoErrorCode.InvalidSignature,
      );
    });

    it('rejects a ciphertext made for another appid', () => {
      const other = new WechatCrypto({ token: TOKEN, encodingAESKey: KEY, appid: 'wx0000000000000000' });
      const foreign = other.encrypt('<xml/>');
      expectCryptoError(
        () =>
          sut.openPush({
            msgSignature: sut.signature(timestamp, nonce, foreign),
            timestamp,
            nonce,
            encrypt: foreign,
          }),
        WechatCryptoErrorCode.AppidMismatch,
      );
      // An appid that is a prefix or extension of ours is not ours either.
      const prefix = new WechatCrypto({ token: TOKEN, encodingAESKey: KEY, appid: APPID.slice(0, -1) });
      expectCryptoError(() => sut.decrypt(prefix.encrypt('<xml/>')), WechatCryptoErrorCode.AppidMismatch);
      const longer = new WechatCrypto({ token: TOKEN, encodingAESKey: KEY, appid: `${APPID}x` });
      expectCryptoError(() => sut.decrypt(longer.encrypt('<xml/>')), WechatCryptoErrorCode.AppidMismatch);
    });

    it('rejects a ciphertext made with another key', () => {
      const other = new WechatCrypto({ token: TOKEN, encodingAESKey: 'A'.repeat(43), appid: APPID });
      let thrown: unknown;
      try {
        sut.decrypt(other.encrypt('<xml>some message</xml>'));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(WechatCryptoError);
      expect([
        WechatCryptoErrorCode.BadPadding,
        WechatCryptoErrorCode.IllegalLength,
        WechatCryptoErrorCode.AppidMismatch,
      ]).toContain((thrown as WechatCryptoError).code);
    });

    describe('padding', () => {
      const body = frame('aaaabbbbccccdddd', Buffer.from('<xml/>'), APPID); // 44 bytes → 20 bytes of padding

      it.each([
        ['a zero pad byte', Buffer.concat([body, Buffer.alloc(19, 20), Buffer.from([0])])],
        ['a pad byte above 32', Buffer.concat([body, Buffer.alloc(19, 20), Buffer.from([33])])],
        ['inconsistent pad bytes', Buffer.concat([body, Buffer.alloc(18, 20), Buffer.from([7, 20])])],
        [
          'a pad byte pointing past the padding',
          Buffer.concat([body, Buffer.alloc(19, 20), Buffer.from([21])]),
        ],
      ])('rejects %s', (_name, plain) => {
        expect(plain.length % 32).toBe(0);
        const forged = rawEncrypt(KEY, plain);
        expectCryptoError(
          () =>
            sut.openPush({
              msgSignature: sut.signature(timestamp, nonce, forged),
              timestamp,
              nonce,
              encrypt: forged,
            }),
          WechatCryptoErrorCode.BadPadding,
        );
      });

      it('accepts the same plaintext correctly padded (control)', () => {
        const forged = rawEncrypt(KEY, Buffer.concat([body, Buffer.alloc(20, 20)]));
        expect(sut.decrypt(forged).message).toBe('<xml/>');
      });
    });

    describe('lengths', () => {
      it('rejects a msg_len larger than the plaintext', () => {
        const plain = frame('aaaabbbbccccdddd', Buffer.from('<xml/>'), APPID, 10_000);
        const forged = rawEncrypt(KEY, Buffer.concat([plain, Buffer.alloc(20, 20)]));
        expectCryptoError(() => sut.decrypt(forged), WechatCryptoErrorCode.IllegalLength);
      });

      it('rejects a plaintext shorter than random and msg_len', () => {
        const forged = rawEncrypt(
          KEY,
          Buffer.concat([Buffer.from('0123456789abcdef'), Buffer.alloc(16, 16)]),
        );
        expectCryptoError(() => sut.decrypt(forged), WechatCryptoErrorCode.IllegalLength);
      });

      it.each([0, 16, 48, 31])('rejects a ciphertext of %i bytes (not whole 32-byte blocks)', (n) => {
        expectCryptoError(
          () => sut.decrypt(randomBytes(n).toString('base64')),
          WechatCryptoErrorCode.IllegalLength,
        );
      });
    });

    describe('base64', () => {
      it.each([
        ['a character outside the alphabet', `*${encrypt.slice(1)}`],
        [
          'URL-safe characters',
          encrypt.replace(/\+/g, '-').replace(/\//g, '_') + (/[+/]/.test(encrypt) ? '' : '-'),
        ],
        ['embedded whitespace', `${encrypt.slice(0, 8)}\n${encrypt.slice(8)}`],
        ['missing padding', encrypt.replace(/=+$/, '') + (encrypt.endsWith('=') ? '' : 'A')],
        ['padding in the middle', `${encrypt.slice(0, 4)}====${encrypt.slice(8)}`],
      ])('rejects %s', (_name, value) => {
        expectCryptoError(() => sut.decrypt(value), WechatCryptoErrorCode.BadBase64);
      });
    });
  });

  describe('configuration', () => {
    it.each([
      ['42 characters', 'a'.repeat(42)],
      ['44 characters', 'a'.repeat(44)],
      ['a character outside [A-Za-z0-9]', `${'a'.repeat(42)}+`],
      ['empty', ''],
    ])('rejects an EncodingAESKey of %s', (_name, key) => {
      expectCryptoError(
        () => new WechatCrypto({ token: TOKEN, encodingAESKey: key, appid: APPID }),
        WechatCryptoErrorCode.InvalidAesKey,
      );
    });

    it('derives a 32-byte key whose first 16 bytes are the IV', () => {
      expect(decodeEncodingAESKey('A'.repeat(43))).toEqual(Buffer.alloc(32));
    });

    it('carries the official numeric code on each error', () => {
      expect(new WechatCryptoError(WechatCryptoErrorCode.AppidMismatch, 'x').officialCode).toBe(-40005);
      expect(new WechatCryptoError(WechatCryptoErrorCode.InvalidSignature, 'x').officialCode).toBe(-40001);
    });

    it('refuses an empty token or appid', () => {
      expect(() => new WechatCrypto({ token: '', encodingAESKey: KEY, appid: APPID })).toThrow(TypeError);
      expect(() => new WechatCrypto({ token: TOKEN, encodingAESKey: KEY, appid: '' })).toThrow(TypeError);
    });
  });
});

describe(signatureMatches.name, () => {
  it('is true only for identical strings', () => {
    expect(signatureMatches('abc', 'abc')).toBe(true);
    expect(signatureMatches('abd', 'abc')).toBe(false);
    expect(signatureMatches('ab', 'abc')).toBe(false);
  });

  it('rejects non-strings without throwing', () => {
    expect(signatureMatches(undefined as unknown as string, 'abc')).toBe(false);
  });
});

describe(computeSignature.name, () => {
  it('sorts the parts as plain strings before hashing', () => {
    expect(computeSignature('b', 'a', 'c')).toBe(computeSignature('c', 'b', 'a'));
  });
});
