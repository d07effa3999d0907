import { createHmac, randomBytes } from 'node:crypto';

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` (CONTRACT.md §4). */
export function signatureV1(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** The `X-Wxop-Signature` value: one `v1=` per secret (two during a rotation), space-separated. */
export function signatureHeader(secrets: string[], timestamp: number, body: string): string {
  return secrets.map((secret) => signatureV1(secret, timestamp, body)).join(' ');
}

/** A new signing secret: 32 random bytes, `whsec_` + base64url. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
