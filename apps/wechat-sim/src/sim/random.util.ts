import { randomBytes } from 'node:crypto';

/** Deterministic PRNG (mulberry32) for seeded fault injection and audit outcomes. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** A random opaque credential like WeChat's (URL-safe characters). */
export function opaque(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! & 63];
  return out;
}

/** WeChat-style appid: `wx` + 16 hex characters. */
export function appidOf(prefix = 'wx'): string {
  return prefix + randomBytes(8).toString('hex');
}

/** `rid` appended to every errmsg, like WeChat's `xxxxxxxx-xxxxxxxx-xxxxxxxx`. */
export function rid(): string {
  const hex = randomBytes(12).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 16)}-${hex.slice(16)}`;
}
