/** The menu entry a location belongs to (the longest path that prefixes it). */
export function selectedNav(pathname: string, paths: string[]): string | undefined {
  return paths
    .filter((path) =>
      path === '/' ? pathname === '/' : pathname === path || pathname.startsWith(`${path}/`),
    )
    .sort((a, b) => b.length - a.length)[0];
}
