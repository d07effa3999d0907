import { pageOf, type Page, type PageQueryDto } from '../shared/page-query.dto';

/**
 * A page of a small list held whole (a template library has at most 200 templates): filtered by
 * `q` over the version and description, sorted by a whitelisted field (ties by the first), paged.
 */
export function pageOfLibrary<
  T extends { userVersion: string; userDesc: string },
  K extends keyof T & string,
>(
  rows: T[],
  query: Pick<PageQueryDto, 'limit' | 'offset' | 'order'> & { sort?: K; q?: string },
  defaultSort: K,
  tieBreak: K,
): Page<T> {
  const needle = query.q?.toLowerCase();
  const filtered = needle
    ? rows.filter((row) => `${row.userVersion} ${row.userDesc}`.toLowerCase().includes(needle))
    : rows;
  const field = query.sort ?? defaultSort;
  const sign = query.order === 'asc' ? 1 : -1;
  const sorted = [...filtered].sort(
    (a, b) => sign * (compare(a[field], b[field]) || compare(a[tieBreak], b[tieBreak])),
  );
  return pageOf(sorted.slice(query.offset, query.offset + query.limit), filtered.length, query);
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''), 'en', { numeric: true });
}
