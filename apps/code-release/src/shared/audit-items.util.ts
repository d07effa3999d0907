import type { AuditItem, WechatCodeApi } from '@wxop/wechat-api';

/**
 * The one audit item built when the operator gives none: the first category configured
 * (get_category) and the first page of the code (get_page). Empty when either is missing, so the
 * submit goes without items and WeChat says what is missing (85008 no category). Shared by the
 * by-hand submit and campaigns so both send the same thing.
 */
export async function defaultAuditItems(
  api: Pick<WechatCodeApi, 'getCategory' | 'getPage'>,
  token: string,
): Promise<AuditItem[]> {
  const [{ categories }, { pages }] = await Promise.all([api.getCategory(token), api.getPage(token)]);
  const category = categories[0];
  const page = pages[0];
  if (!category || !page) return [];
  return [
    {
      address: page,
      firstClass: category.firstClass,
      secondClass: category.secondClass,
      firstId: category.firstId,
      secondId: category.secondId,
      ...(category.thirdClass ? { thirdClass: category.thirdClass } : {}),
      ...(category.thirdId ? { thirdId: category.thirdId } : {}),
    },
  ];
}
