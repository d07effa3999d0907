/**
 * Seconds until a token that lives `expiresIn` seconds should be refreshed: `lead` before it
 * expires, plus a random part of `spread` so that tokens issued together come due apart. On short
 * lifetimes (tests, or a WeChat change) lead and spread shrink together to fit in 3/4 of the life,
 * so a refresh never comes due before the token is a quarter through it.
 */
export function refreshInSeconds(
  expiresIn: number,
  lead: number,
  spread: number,
  random = Math.random(),
): number {
  const budget = expiresIn * 0.75;
  const scale = lead + spread > budget ? budget / (lead + spread) : 1;
  return Math.max(1, Math.floor(expiresIn - scale * (lead + random * spread)));
}

/** Backoff after a failed refresh: 2, 4, 8 … seconds, at most 5 minutes. */
export function retryInSeconds(failures: number): number {
  return Math.min(300, 2 ** Math.min(failures + 1, 9));
}
