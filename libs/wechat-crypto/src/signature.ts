import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * WeChat's SHA-1 signature: sort the parts as plain strings, concatenate, SHA-1,
 * lower-case hex (wechat-protocol.md §1.2). With the Encrypt value it is
 * `msg_signature`; without it, the legacy `signature` / echostr signature.
 */
export function computeSignature(...parts: string[]): string {
  const sorted = parts.slice().sort();
  return createHash('sha1').update(sorted.join(''), 'utf8').digest('hex');
}

/** Compares a received signature with the expected one in constant time. */
export function signatureMatches(received: string, expected: string): boolean {
  // Both are 40 hex characters when well-formed; a length difference reveals nothing secret.
  if (typeof received !== 'string' || received.length !== expected.length) {
    return false;
  }
  return timingSafeEqual(Buffer.from(received, 'latin1'), Buffer.from(expected, 'latin1'));
}
