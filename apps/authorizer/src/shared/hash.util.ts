import { createHash } from 'node:crypto';

/** SHA-256 hex of a code: how auth and pre-auth codes are stored and looked up (never in clear). */
export function codeHash(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}
