/** The object without its undefined fields (code-release refuses fields it does not know, not absent ones). */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
