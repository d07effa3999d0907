/** The object without its undefined fields (code-release refuses fields it does not know, not absent ones). */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The value with every undefined field left out, at every depth (nested DTOs such as a preflight). */
export function definedDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => definedDeep(item)) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([key, v]) => [key, definedDeep(v)]),
  ) as T;
}
