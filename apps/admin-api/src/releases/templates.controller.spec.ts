import { CodeReleaseRpcPatterns } from '@wxop/contracts';

import type { CodeReleaseClient } from './code-release.client';
import { DraftQueryDto, TemplateQueryDto } from './dto/template.dto';
import { TemplatesController } from './templates.controller';

const componentAppid = 'wx1234567890abcdef';
const syncedAt = '2026-12-01T08:00:00.000Z';

function answering(list: unknown[]) {
  const call = jest.fn(async (pattern: string) =>
    pattern === CodeReleaseRpcPatterns.GetTemplateSync
      ? { componentAppid, syncedAt, drafts: 1, templates: 1 }
      : list,
  );
  return { call, sut: new TemplatesController({ call } as unknown as CodeReleaseClient) };
}

describe(TemplatesController.name, () => {
  const row = { userVersion: '1.0.0', userDesc: 'd', createdAt: '2026-11-30T00:00:00.000Z' };

  it('answers the templates with when the stored library was last synced', async () => {
    const { call, sut } = answering([{ ...row, templateId: 3, templateType: 0 }]);
    const answer = await sut.templates({ componentAppid }, new TemplateQueryDto());
    expect(answer).toMatchObject({ total: 1, syncedAt, items: [{ templateId: 3 }] });
    expect(call.mock.calls.map(([pattern]) => pattern).sort()).toEqual(
      [CodeReleaseRpcPatterns.ListTemplates, CodeReleaseRpcPatterns.GetTemplateSync].sort(),
    );
  });

  it('answers the drafts with the same time', async () => {
    const { sut } = answering([{ ...row, draftId: 5 }]);
    expect(await sut.drafts({ componentAppid }, new DraftQueryDto())).toMatchObject({
      total: 1,
      syncedAt,
      items: [{ draftId: 5 }],
    });
  });
});
