import { CodeReleaseRpcErrorCodes } from '@wxop/contracts';
import { MetricsService } from '@wxop/observability';
import { WechatApiError, type WechatCodeApi } from '@wxop/wechat-api';

import type { TokenClient } from '../shared/token.client';
import { WechatCalls } from '../shared/wechat-calls.service';
import type { TemplateRepository } from './template.repository';
import { TemplatesService } from './templates.service';

const COMPONENT = 'wxc0000000000000001';
const draft = {
  draftId: 3,
  userVersion: '1.0.0',
  userDesc: 'd',
  createTime: 1_700_000_000,
  categoryList: [],
};
const template = { ...draft, templateId: 47, templateType: 0 as const };

describe(TemplatesService.name, () => {
  const api = {
    getTemplateDraftList: jest.fn(),
    getTemplateList: jest.fn(),
    addToTemplate: jest.fn(),
    deleteTemplate: jest.fn(),
  };
  const component = { get: jest.fn(), invalidate: jest.fn() };
  const repository = { replace: jest.fn(), library: jest.fn() };
  let sut: TemplatesService;

  beforeEach(() => {
    jest.resetAllMocks();
    component.get.mockResolvedValue('component-token-1');
    component.invalidate.mockResolvedValue('component-token-2');
    api.getTemplateDraftList.mockResolvedValue({ drafts: [draft] });
    api.getTemplateList.mockResolvedValue({ templates: [template] });
    repository.library.mockResolvedValue({
      componentAppid: COMPONENT,
      drafts: [],
      templates: [],
      syncedAt: null,
    });
    sut = new TemplatesService(
      new WechatCalls({ component } as unknown as TokenClient),
      api as unknown as WechatCodeApi,
      repository as unknown as TemplateRepository,
      new MetricsService('code-release-test'),
    );
  });

  describe('sync', () => {
    it('stores what WeChat lists with the component token, in place of the last copy', async () => {
      await sut.sync(COMPONENT);
      expect(api.getTemplateDraftList).toHaveBeenCalledWith('component-token-1');
      expect(repository.replace).toHaveBeenCalledWith(COMPONENT, [draft], [template]);
    });

    it('stores nothing when WeChat cannot be read', async () => {
      api.getTemplateList.mockRejectedValue(new WechatApiError(-1, 'system error', 'wxa/gettemplatelist'));
      await expect(sut.sync(COMPONENT)).rejects.toMatchObject({ code: CodeReleaseRpcErrorCodes.Unavailable });
      expect(repository.replace).not.toHaveBeenCalled();
    });

    it('invalidates a rejected component token once and reads again', async () => {
      api.getTemplateList
        .mockRejectedValueOnce(new WechatApiError(42001, 'access_token expired', 'wxa/gettemplatelist'))
        .mockResolvedValueOnce({ templates: [template] });
      await sut.sync(COMPONENT);
      expect(component.invalidate).toHaveBeenCalledWith(COMPONENT, 'component-token-1');
      expect(api.getTemplateList).toHaveBeenLastCalledWith('component-token-2');
    });
  });

  describe('addDraft', () => {
    it('adds the draft with its template type, then syncs', async () => {
      await sut.addDraft(COMPONENT, 3, 1);
      expect(api.addToTemplate).toHaveBeenCalledWith('component-token-1', { draftId: 3, templateType: 1 });
      expect(repository.replace).toHaveBeenCalled();
    });

    it('reports a full library (85065) as TEMPLATE_LIBRARY_FULL and does not sync', async () => {
      api.addToTemplate.mockRejectedValue(
        new WechatApiError(85065, 'template list is full', 'wxa/addtotemplate'),
      );
      await expect(sut.addDraft(COMPONENT, 3)).rejects.toMatchObject({
        code: CodeReleaseRpcErrorCodes.TemplateLibraryFull,
        details: { errcode: 85065 },
      });
      expect(repository.replace).not.toHaveBeenCalled();
    });
  });

  describe('delete', () => {
    it('reports an unknown template (85064) as TEMPLATE_NOT_FOUND', async () => {
      api.deleteTemplate.mockRejectedValue(new WechatApiError(85064, 'not found', 'wxa/deletetemplate'));
      await expect(sut.delete(COMPONENT, 47)).rejects.toMatchObject({
        code: CodeReleaseRpcErrorCodes.TemplateNotFound,
        details: { errcode: 85064 },
      });
    });
  });
});
