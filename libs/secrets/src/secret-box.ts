import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { SecretsError, SecretsErrorCode } from './secrets.errors';

const VERSION = 'v1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

export interface KeyRing {
  /** New values are encrypted with this key. */
  currentKeyId: string;
  /** Every key still needed to decrypt, by id; each exactly 32 bytes. */
  keys: Record<string, Buffer>;
}

/** The shape TypeORM expects of a column transformer (kept structural: this lib does not import TypeORM). */
export interface SecretColumnTransformer {
  to(value: string | null | undefined): string | null | undefined;
  from(value: string | null | undefined): string | null | undefined;
}

/**
 * AES-256-GCM encryption of secrets at rest with key ids, so keys can rotate:
 * values are encrypted with the current key and decrypt with any key of the ring.
 *
 * Stored form: `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts), ASCII, fits a VARCHAR.
 * An optional context (AAD) binds a value to where it belongs, e.g. `authorizer:wx123:refresh_token`,
 * so a ciphertext copied to another row does not decrypt.
 */
export class SecretBox {
  private readonly currentKeyId: string;
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(ring: KeyRing) {
    const keys = new Map<string, Buffer>();
    for (const [id, key] of Object.entries(ring.keys)) {
      if (!KEY_ID.test(id)) {
        throw new SecretsError(
          SecretsErrorCode.InvalidKeyRing,
          `key id ${JSON.stringify(id)} is not [A-Za-z0-9_-]{1,32}`,
        );
      }
      if (key.length !== 32) {
        throw new SecretsError(
          SecretsErrorCode.InvalidKeyRing,
          `key ${id} must be 32 bytes, got ${key.length}`,
        );
      }
      keys.set(id, Buffer.from(key));
    }
    if (!keys.has(ring.currentKeyId)) {
      throw new SecretsError(
        SecretsErrorCode.InvalidKeyRing,
        `current key id ${ring.currentKeyId} is not in the key ring`,
      );
    }
    this.currentKeyId = ring.currentKeyId;
    this.keys = keys;
  }

  /** Parses `id:base64,id2:base64` (the SECRETS_KEYS variable). */
  static fromConfig(keysSpec: string, currentKeyId: string): SecretBox {
    const keys: Record<string, Buffer> = {};
    for (const entry of keysSpec
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      const separator = entry.indexOf(':');
      if (separator <= 0) {
        throw new SecretsError(SecretsErrorCode.InvalidKeyRing, 'each key must be written id:base64');
      }
      const id = entry.slice(0, separator);
      if (keys[id]) throw new SecretsError(SecretsErrorCode.InvalidKeyRing, `key id ${id} appears twice`);
      keys[id] = Buffer.from(entry.slice(separator + 1), 'base64');
    }
    return new SecretBox({ currentKeyId, keys });
  }

  /** A fresh random key in the form SECRETS_KEYS expects. */
  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  encrypt(plaintext: string, context = ''): string {
    const iv = randomBytes(IV_LENGTH);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv, {
      authTagLength: TAG_LENGTH,
    });
    cipher.setAAD(this.aad(this.currentKeyId, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.currentKeyId, b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join('.');
  }

  decrypt(stored: string, context = ''): string {
    const parts = typeof stored === 'string' ? stored.split('.') : [];
    if (parts.length !== 5 || parts[0] !== VERSION) {
      throw new SecretsError(SecretsErrorCode.Malformed, 'not an encrypted secret of version v1');
    }
    const [, keyId, ivText, ciphertextText, tagText] = parts as [string, string, string, string, string];
    const key = this.keys.get(keyId);
    if (!key) {
      throw new SecretsError(SecretsErrorCode.UnknownKeyId, `no key with id ${keyId} in the key ring`);
    }
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_LENGTH || tag.length !== TAG_LENGTH) {
      throw new SecretsError(SecretsErrorCode.Malformed, 'bad iv or tag length');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
      decipher.setAAD(this.aad(keyId, context));
      decipher.setAuthTag(tag);
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertextText, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretsError(
        SecretsErrorCode.Tampered,
        `secret encrypted with key ${keyId} failed authentication`,
      );
    }
  }

  /** True when a stored value was encrypted with an older key and should be re-encrypted. */
  needsRotation(stored: string): boolean {
    return stored.split('.')[1] !== this.currentKeyId;
  }

  /** Re-encrypts a value with the current key (no-op result when it already uses it). */
  rotate(stored: string, context = ''): string {
    return this.needsRotation(stored) ? this.encrypt(this.decrypt(stored, context), context) : stored;
  }

  /**
   * A TypeORM column transformer: `@Column({ type: 'varchar', length: 1024, transformer: box.columnTransformer('component_secret') })`.
   * null and undefined pass through.
   */
  columnTransformer(context = ''): SecretColumnTransformer {
    return {
      to: (value) => (value === null || value === undefined ? value : this.encrypt(value, context)),
      from: (value) => (value === null || value === undefined ? value : this.decrypt(value, context)),
    };
  }

  private aad(keyId: string, context: string): Buffer {
    // The key id is authenticated too, so a value cannot be relabelled with another id.
    return Buffer.from(`${VERSION}|${keyId}|${context}`, 'utf8');
  }
}

function b64(buffer: Buffer): string {
  return buffer.toString('base64url');
}
