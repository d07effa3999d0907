import { createHmac, timingSafeEqual } from 'node:crypto';

/** More `v1=` values than wxop ever sends (two, during a rotation) are refused unread. */
const MAX_SIGNATURES = 4;
const SCHEME = /^v[0-9]+=\S+$/;
const V1 = /^v1=([0-9a-fA-F]{64})$/;

/**
 * The v1 digests of an `X-Wxop-Signature` value (`v1=<hex>`, or two separated by a space during a
 * secret rotation), as 32-byte buffers; undefined when the value is malformed or holds no `v1=`.
 * Values of other schemes (a future `v2=`) are skipped, so a sender can add one without breaking us.
 */
export function parseSignatureHeader(value) {
  const parts = value.trim().split(/\s+/);
  if (parts.length > MAX_SIGNATURES) return undefined;
  const digests = [];
  for (const part of parts) {
    if (!SCHEME.test(part)) return undefined;
    const v1 = V1.exec(part);
    if (v1) digests.push(Buffer.from(v1[1], 'hex'));
  }
  return digests.length > 0 ? digests : undefined;
}

/** HMAC-SHA256(secret, "<timestamp>.<body>") over the body's exact bytes, as received. */
export function signatureDigest(secret, timestamp, body) {
  return createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(body).digest();
}

/**
 * The index in `secrets` of the first secret that one of `digests` was made with, or -1.
 * Every comparison is constant-time (timingSafeEqual on equal-length digests), so the time taken
 * says nothing about how much of a forged signature was right.
 */
export function matchingSecret(secrets, timestamp, body, digests) {
  for (const [index, secret] of secrets.entries()) {
    const expected = signatureDigest(secret, timestamp, body);
    let matched = false;
    for (const digest of digests) matched = timingSafeEqual(expected, digest) || matched;
    if (matched) return index;
  }
  return -1;
}
