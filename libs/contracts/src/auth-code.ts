/** An auth code's documented life when a push does not say (wechat-protocol.md §3.3: 600 s). */
export const AUTH_CODE_DEFAULT_LIFE_SECONDS = 600;

/**
 * When the auth code of an `authorized` / `updateauthorized` push expires, from its fields.
 * `AuthorizationCodeExpiredTime` is documented as seconds but unconfirmed as an absolute time or a
 * duration (wechat-protocol.md §2.1): a value that is a plausible Unix time is taken as one, a
 * smaller positive one as a duration after `CreateTime`; without it, `CreateTime` + 600 s.
 * Undefined when the push has no usable time at all.
 */
export function authCodeExpiry(
  data: Record<string, unknown>,
  defaultLifeSeconds = AUTH_CODE_DEFAULT_LIFE_SECONDS,
): Date | undefined {
  const createTime = Number(data['CreateTime']);
  const expired = Number(data['AuthorizationCodeExpiredTime']);
  const created = Number.isInteger(createTime) && createTime > 0 ? createTime : undefined;
  if (Number.isInteger(expired) && expired > 0) {
    // 2001-09-09 as the smallest absolute time: far beyond any code's life in seconds.
    if (expired >= 1_000_000_000) return new Date(expired * 1000);
    if (created !== undefined) return new Date((created + expired) * 1000);
  }
  return created === undefined ? undefined : new Date((created + defaultLifeSeconds) * 1000);
}
