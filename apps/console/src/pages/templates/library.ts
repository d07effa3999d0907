import type { paths } from '../../api/schema';

type TemplatesQuery = NonNullable<
  paths['/admin/v1/components/{componentAppid}/templates']['get']['parameters']['query']
>;
type DraftsQuery = NonNullable<
  paths['/admin/v1/components/{componentAppid}/drafts']['get']['parameters']['query']
>;

export type LibraryTab = 'templates' | 'drafts';
export type TemplateType = 0 | 1;
export const PAGE_SIZE = 20;

/** The library page's view, as kept in the URL: the tab, its search and page. */
export interface LibraryView {
  tab: LibraryTab;
  /** Part of the version or the description. */
  q?: string;
  /** Templates only: 0 normal, 1 standard. */
  templateType?: TemplateType;
  /** 1-based. */
  page: number;
}

export function viewFromParams(params: URLSearchParams): LibraryView {
  const tab: LibraryTab = params.get('tab') === 'drafts' ? 'drafts' : 'templates';
  const page = Number(params.get('page'));
  const view: LibraryView = { tab, page: Number.isInteger(page) && page >= 1 ? page : 1 };
  const q = params.get('q')?.trim();
  if (q) view.q = q.slice(0, 128);
  const type = params.get('type');
  if (tab === 'templates' && (type === '0' || type === '1')) view.templateType = Number(type) as TemplateType;
  return view;
}

export function viewToParams(view: LibraryView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.tab === 'drafts') params.set('tab', 'drafts');
  const q = view.q?.trim();
  if (q) params.set('q', q);
  if (view.tab === 'templates' && view.templateType !== undefined)
    params.set('type', String(view.templateType));
  if (view.page > 1) params.set('page', String(view.page));
  return params;
}

/** Another tab starts on its first page with no search (each list has its own). */
export function switchTab(tab: LibraryTab): LibraryView {
  return { tab, page: 1 };
}

function paging(view: LibraryView, pageSize: number) {
  return {
    limit: pageSize,
    offset: (Math.max(1, view.page) - 1) * pageSize,
    order: 'desc' as const,
    sort: 'createdAt' as const,
  };
}

export function templatesQuery(view: LibraryView, pageSize = PAGE_SIZE): TemplatesQuery {
  const query: TemplatesQuery = paging(view, pageSize);
  if (view.q) query.q = view.q;
  if (view.templateType !== undefined) query.templateType = view.templateType;
  return query;
}

export function draftsQuery(view: LibraryView, pageSize = PAGE_SIZE): DraftsQuery {
  const query: DraftsQuery = paging(view, pageSize);
  if (view.q) query.q = view.q;
  return query;
}

/** How long ago the library was synced, as the title says it: a message key and its count. */
export function syncAge(
  syncedAt: string | null | undefined,
  now: number = Date.now(),
): {
  key: 'neverSynced' | 'syncedJustNow' | 'syncedMinutesAgo' | 'syncedHoursAgo' | 'syncedDaysAgo';
  count: number;
} {
  const at = syncedAt ? Date.parse(syncedAt) : Number.NaN;
  if (Number.isNaN(at)) return { key: 'neverSynced', count: 0 };
  const minutes = Math.floor(Math.max(0, now - at) / 60_000);
  if (minutes < 1) return { key: 'syncedJustNow', count: 0 };
  if (minutes < 60) return { key: 'syncedMinutesAgo', count: minutes };
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return { key: 'syncedHoursAgo', count: hours };
  return { key: 'syncedDaysAgo', count: Math.floor(hours / 24) };
}

/** A standard template's audit state (TemplateDto.auditStatus) as a message key and a Tag colour. */
export function templateAudit(
  auditStatus: number | null | undefined,
): { key: string; color: string } | undefined {
  switch (auditStatus) {
    case null:
    case undefined:
      return undefined;
    case 0:
      return { key: 'notSubmitted', color: 'default' };
    case 1:
      return { key: 'auditing', color: 'processing' };
    case 2:
      return { key: 'rejected', color: 'error' };
    case 3:
      return { key: 'approved', color: 'success' };
    case 4:
      return { key: 'submitting', color: 'processing' };
    case 5:
      return { key: 'failed', color: 'error' };
    default:
      return { key: 'unknown', color: 'default' };
  }
}
