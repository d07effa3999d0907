import { randomBytes } from 'node:crypto';

import { SecretBox } from './secret-box';
import { SecretsError, SecretsErrorCode } from './secrets.errors';

const k1 = randomBytes(32);
const k2 = randomBytes(32);

function expectCode(fn: () => unknown, code: SecretsErrorCode): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError);
    expect((error as SecretsError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe(SecretBox.name, () => {
  const sut = new SecretBox({ currentKeyId: 'k1', keys: { k1 } });

  describe('encrypt', () => {
    it.each(['', 'component-secret', '中文🔐'.repeat(50), 'x'.repeat(10_000)])(
      'round-trips %p',
      (plaintext) => {
        expect(sut.decrypt(sut.encrypt(plaintext))).toBe(plaintext);
      },
    );

    it('never stores the plaintext and never repeats a ciphertext', () => {
      const a = sut.encrypt('refresh@@@token');
      expect(a).not.toContain('refresh');
      expect(sut.encrypt('refresh@@@token')).not.toBe(a);
      expect(a).toMatch(/^v1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/);
    });
  });

  describe('decrypt', () => {
    it('rejects a value altered anywhere', () => {
      const stored = sut.encrypt('secret-value');
      const parts = stored.split('.');
      for (const index of [2, 3, 4]) {
        const altered = [...parts];
        const bytes = Buffer.from(altered[index]!, 'base64url');
        bytes[0] = bytes[0]! ^ 1;
        altered[index] = bytes.toString('base64url');
        expectCode(() => sut.decrypt(altered.join('.')), SecretsErrorCode.Tampered);
      }
    });

    it('binds a value to its context', () => {
      const stored = sut.encrypt('token-a', 'authorizer:wx1:refresh_token');
      expect(sut.decrypt(stored, 'authorizer:wx1:refresh_token')).toBe('token-a');
      expectCode(() => sut.decrypt(stored, 'authorizer:wx2:refresh_token'), SecretsErrorCode.Tampered);
    });

    it('rejects a value relabelled with another key id', () => {
      const ring = new SecretBox({ currentKeyId: 'k1', keys: { k1, k2: k1 } });
      const stored = ring.encrypt('x');
      expectCode(() => ring.decrypt(stored.replace('.k1.', '.k2.')), SecretsErrorCode.Tampered);
    });

    it.each(['', 'plain text', 'v2.k1.a.b.c', 'v1.k1.a.b', 'v1.k1.AAAA.AAAA.AAAA'])(
      'rejects malformed %p',
      (value) => {
        expectCode(() => sut.decrypt(value), SecretsErrorCode.Malformed);
      },
    );

    it('names an unknown key id', () => {
      const other = new SecretBox({ currentKeyId: 'k9', keys: { k9: k2 } });
      expectCode(() => sut.decrypt(other.encrypt('x')), SecretsErrorCode.UnknownKeyId);
    });
  });

  describe('rotation', () => {
    it('decrypts with old keys, encrypts with the current one', () => {
      const old = sut.encrypt('long-lived', 'ctx');
      const rotated = new SecretBox({ currentKeyId: 'k2', keys: { k1, k2 } });
      expect(rotated.decrypt(old, 'ctx')).toBe('long-lived');
      expect(rotated.needsRotation(old)).toBe(true);
      const fresh = rotated.rotate(old, 'ctx');
      expect(fresh.split('.')[1]).toBe('k2');
      expect(rotated.needsRotation(fresh)).toBe(false);
      expect(rotated.rotate(fresh, 'ctx')).toBe(fresh);
      expect(new SecretBox({ currentKeyId: 'k2', keys: { k2 } }).decrypt(fresh, 'ctx')).toBe('long-lived');
    });
  });

  describe('key ring', () => {
    it('parses the SECRETS_KEYS form', () => {
      const box = SecretBox.fromConfig(`old:${k1.toString('base64')}, new:${k2.toString('base64')}`, 'new');
      expect(box.encrypt('x').split('.')[1]).toBe('new');
      const oldBox = new SecretBox({ currentKeyId: 'old', keys: { old: k1 } });
      expect(box.decrypt(oldBox.encrypt('y'))).toBe('y');
    });

    it.each([
      ['a short key', () => new SecretBox({ currentKeyId: 'a', keys: { a: randomBytes(16) } })],
      ['a current id not in the ring', () => new SecretBox({ currentKeyId: 'b', keys: { a: k1 } })],
      ['a bad id', () => new SecretBox({ currentKeyId: 'a.b', keys: { 'a.b': k1 } })],
      [
        'a duplicate id',
        () => SecretBox.fromConfig(`a:${k1.toString('base64')},a:${k2.toString('base64')}`, 'a'),
      ],
      ['an entry without id', () => SecretBox.fromConfig(k1.toString('base64'), 'a')],
    ])('refuses %s', (_name, build) => {
      expectCode(build, SecretsErrorCode.InvalidKeyRing);
    });

    it('generates keys the ring accepts', () => {
      expect(() => SecretBox.fromConfig(`g:${SecretBox.generateKey()}`, 'g')).not.toThrow();
    });
  });

  describe('columnTransformer', () => {
    it('encrypts on the way to the database and decrypts on the way back, passing null through', () => {
      const transformer = sut.columnTransformer('component_secret');
      const stored = transformer.to('s3cr3t')!;
      expect(stored).not.toContain('s3cr3t');
      expect(transformer.from(stored)).toBe('s3cr3t');
      expect(transformer.to(null)).toBeNull();
      expect(transformer.from(undefined)).toBeUndefined();
      expectCode(() => sut.columnTransformer('other').from(stored), SecretsErrorCode.Tampered);
    });
  });
});
