export enum SecretsErrorCode {
  /** The key ring is misconfigured (bad key length, unknown current id, bad id). */
  InvalidKeyRing = 'INVALID_KEY_RING',
  /** The stored value is not of the `v1.<keyId>.<iv>.<ciphertext>.<tag>` form. */
  Malformed = 'MALFORMED',
  /** The value was encrypted with a key id this process does not have. */
  UnknownKeyId = 'UNKNOWN_KEY_ID',
  /** Authentication failed: wrong key, wrong context, or the value was altered. */
  Tampered = 'TAMPERED',
}

/** Errors of the secret box; messages name key ids, never keys or plaintexts. */
export class SecretsError extends Error {
  constructor(
    readonly code: SecretsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SecretsError';
  }
}
