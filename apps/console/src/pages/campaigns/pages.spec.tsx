import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 30_000 });
// antd's forms in jsdom re-render slowly on a loaded machine (npm test runs two tiers at once):
// findBy*/waitFor wait up to 10 s, not 1 s (a wrong page still fails, later).
configure({ asyncUtilTimeout: 10_000 });

import '../../i18n';

const auth = vi.hoisted(() => ({ allowed: true }));
/** The bodies the pages POST, by path. */
const posted = vi.hoisted(() => [] as { path: string; body: unknown }[]);

vi.mock('../../auth/AuthProvider', () => ({
  useAuth: () => ({ can: () => auth.allowed }),
}));
vi.mock('../../auth/ComponentProvider', () => ({
  useComponent: () => ({ componentAppid: 'wxcomponent', components: [], loading: false, error: undefined }),
}));

const campaign = {
  campaignId: '00000000-0000-4000-8000-000000000001',
  componentAppid: 'wxcomponent',
  templateId: 7,
  userVersion: '2.0.0',
  status: 'finished',
  pauseReason: null,
  targets: 5,
  counts: { released: 4, failed: 1 },
  progress: { total: 5, done: 5, throughputPerMinute: 2.5, etaAt: null },
  quota: { left: 90, limit: 100, reserve: 0, availableToCampaign: 90, readAt: '2026-01-01T00:00:00Z' },
  createdAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:02:00Z',
};

vi.mock('../../api/client', () => {
  const answers: Record<string, unknown> = {
    '/admin/v1/campaigns': { items: [campaign], total: 1, limit: 20, offset: 0 },
    '/admin/v1/campaigns/{campaignId}': campaign,
    '/admin/v1/campaigns/{campaignId}/targets': {
      items: [
        {
          authorizerAppid: 'wxtarget1',
          ordinal: 1,
          bizRef: 'shop-1',
          state: 'failed',
          step: 'committing',
          attempt: 1,
          auditId: null,
          errcode: 85013,
          message: 'invalid ext_json',
          reason: null,
          screenshots: null,
          updatedAt: '2026-01-01T00:01:00Z',
        },
      ],
      limit: 50,
      nextCursor: null,
    },
    '/admin/v1/campaigns/{campaignId}/operations': { items: [], total: 0, limit: 10, offset: 0 },
    '/admin/v1/components/{componentAppid}/templates': {
      items: [
        {
          templateId: 7,
          userVersion: '2.0.0',
          userDesc: 'spring',
          templateType: 0,
          createdAt: '2026-01-01T00:00:00Z',
        },
      ],
      total: 1,
      limit: 200,
      offset: 0,
    },
    '/admin/v1/components/{componentAppid}/authorizers': { items: [], total: 0, limit: 50, offset: 0 },
    '/admin/v1/components/{componentAppid}/campaign-targets/count': { count: 3 },
  };
  return {
    api: {
      GET: (path: string) =>
        Promise.resolve({ data: answers[path], response: new Response(null, { status: 200 }) }),
      POST: (path: string, init?: { body?: unknown }) => {
        posted.push({ path, body: init?.body });
        return Promise.resolve({ data: campaign, response: new Response(null, { status: 200 }) });
      },
    },
    unwrap: async <T,>(call: Promise<{ data?: T }>) => (await call).data as T,
  };
});

beforeAll(() => {
  globalThis.ResizeObserver = class {
    observe = () => undefined;
    unobserve = () => undefined;
    disconnect = () => undefined;
  };
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }),
  });
});

afterEach(() => {
  cleanup();
  auth.allowed = true;
  posted.length = 0;
});

async function show(path: string) {
  const { default: CampaignDetailPage } = await import('./CampaignDetailPage');
  const { default: CampaignWizardPage } = await import('./CampaignWizardPage');
  const { default: CampaignsPage } = await import('./CampaignsPage');
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <AntApp>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path="/campaigns" element={<CampaignsPage />} />
            <Route path="/campaigns/new" element={<CampaignWizardPage />} />
            <Route path="/campaigns/:campaignId" element={<CampaignDetailPage />} />
          </Routes>
        </MemoryRouter>
      </AntApp>
    </QueryClientProvider>,
  );
}

/** The button whose text is `text` (getByRole computes every name of the page: slow in jsdom). */
function button(text: string | RegExp): HTMLButtonElement | null {
  return (screen.queryByText(text)?.closest('button') as HTMLButtonElement | null) ?? null;
}

/** The control a form label names, through its `for` (what Playwright's getByLabel finds). */
function labelled(text: string): HTMLElement | null {
  const label = [...document.querySelectorAll('label')].find((node) => node.textContent === text);
  const id = label?.getAttribute('for');
  return id ? document.getElementById(id) : null;
}

describe('campaign detail page', () => {
  it('shows the raw status, the released count, the targets with their errors, and only meaningful actions', async () => {
    await show(`/campaigns/${campaign.campaignId}`);
    await waitFor(() => expect(screen.getByTestId('campaign-status').textContent).toBe('finished'));
    expect(screen.getByTestId('campaign-released').textContent).toBe('4');
    await screen.findByText('wxtarget1');
    expect(screen.getByText('invalid ext_json')).toBeTruthy();
    expect(screen.getByText('wxtarget1').closest('a')?.getAttribute('href')).toBe('/accounts/wxtarget1');
    // finished, with failed and released targets: retry and revert only
    expect(button(/重试失败的/)?.disabled).toBe(false);
    expect(button('版本回退')?.disabled).toBe(false);
    expect(button('暂停')?.disabled).toBe(true);
    expect(button('取消发布')?.disabled).toBe(true);
  });

  it('hides every action from a role that may do none', async () => {
    auth.allowed = false;
    await show(`/campaigns/${campaign.campaignId}`);
    await screen.findByTestId('campaign-status');
    expect(button('暂停')).toBeNull();
    expect(button(/重试/)).toBeNull();
  });
});

describe('campaign wizard and list', () => {
  it('labels the template and target selects and offers Next', async () => {
    await show('/campaigns/new');
    await screen.findByText('下一步');
    expect(labelled('模板')?.tagName).toBe('INPUT');
    expect(labelled('目标小程序')?.tagName).toBe('INPUT');
    // No other label contains them (Playwright's getByLabel matches a part of a label).
    const labels = [...document.querySelectorAll('label')].map((node) => node.textContent ?? '');
    expect(labels.filter((text) => text.includes('模板'))).toEqual(['模板']);
    expect(labels.filter((text) => text.includes('目标小程序'))).toEqual(['目标小程序']);
    expect(button('下一步')).not.toBeNull();
  });

  it('lists campaigns with a link to each and the new button', async () => {
    await show('/campaigns');
    expect(button('新建发布')).not.toBeNull();
    const link = (await screen.findByText('2.0.0')).closest('a');
    expect(link?.getAttribute('href')).toBe(`/campaigns/${campaign.campaignId}`);
  });
});

describe('campaign wizard: audit pages, UGC and privacy', () => {
  const field = (id: string) => {
    const element = document.getElementById(`campaign_${id}`);
    if (!element) throw new Error(`no field ${id}`);
    return element;
  };
  const type = (element: HTMLElement, value: string) => fireEvent.change(element, { target: { value } });
  const activeStep = () => document.querySelector('.ant-steps-item-active')?.textContent;
  const openSections = () =>
    [...document.querySelectorAll('.ant-collapse-item-active .ant-collapse-header')].map(
      (header) => header.textContent,
    );
  const next = async (step: string) => {
    fireEvent.click(button('下一步')!);
    await waitFor(() => expect(activeStep()).toContain(step));
  };

  it('shows a missing page path and privacy contact in their opened sections, then sends what was filled', async () => {
    await show('/campaigns/new');
    await screen.findByText('下一步');
    fireEvent.mouseDown(labelled('模板')!);
    fireEvent.click(await screen.findByText('2.0.0 · #7 · spring'));
    fireEvent.click(screen.getByText('按业务编号筛选'));
    type(await waitFor(() => field('bizRefPrefix')), 'shop-');
    // The live count of what the prefix matches now (admin-api counts it with code-release's criteria).
    expect(await screen.findByTestId('wizard-target-count')).toBeTruthy();
    await waitFor(() =>
      expect(screen.getByTestId('wizard-target-count').textContent).toBe(
        '此前缀现在匹配 3 个可发布小程序（目标在创建时确定）',
      ),
    );
    await next('ext.json');
    await next('提审与预检');

    // An audit page without its path, and the privacy guide switched on but empty, in folded sections.
    fireEvent.click(screen.getByText('审核页面（item_list）'));
    fireEvent.click(button('添加审核页面')!);
    fireEvent.click(screen.getByText('用户隐私保护指引（setprivacysetting）'));
    fireEvent.click(screen.getByText('设置用户隐私保护指引'));
    await waitFor(() => field('privacyNoticeMethod'));
    fireEvent.click(screen.getByText('用户隐私保护指引（setprivacysetting）'));
    fireEvent.click(screen.getByText('审核页面（item_list）'));
    await waitFor(() => expect(openSections()).toEqual([]));
    fireEvent.click(button('下一步')!);
    expect(await screen.findByText('请填写页面路径')).toBeTruthy();
    expect(await screen.findByText('请至少填写一种联系方式（邮箱、电话、QQ 或微信号）')).toBeTruthy();
    expect(screen.getByText('请填写通知用户的方式')).toBeTruthy();
    await waitFor(() =>
      expect(openSections()).toEqual([
        expect.stringContaining('审核页面（item_list）'),
        expect.stringContaining('用户隐私保护指引'),
      ]),
    );
    expect(activeStep()).toContain('提审与预检');

    type(field('auditItems_0_address'), 'pages/index/index');
    type(field('auditItems_0_firstClass'), '工具');
    type(field('auditItems_0_firstId'), '287');
    type(field('privacyContactQq'), '10001');
    type(field('privacyNoticeMethod'), '弹窗');
    type(screen.getByLabelText('第 1 项的信息类型'), 'UserInfo');
    type(screen.getByLabelText('第 1 项的用途'), '登录');
    await next('发布方式');
    fireEvent.click(button('创建发布')!);
    await waitFor(() => expect(posted).toHaveLength(1));
    const body = posted[0]!.body as Record<string, { [key: string]: unknown }>;
    expect(body['submit']).toEqual({
      itemList: [{ address: 'pages/index/index', firstClass: '工具', firstId: 287 }],
    });
    expect(body['preflight']).toEqual({
      profileCheck: false,
      privacy: {
        privacyVer: 2,
        ownerSetting: { contactQq: '10001', noticeMethod: '弹窗' },
        settingList: [{ privacyKey: 'UserInfo', privacyText: '登录' }],
      },
    });
    expect(body['targetFilter']).toEqual({ authorizerType: 'mini_program', bizRefPrefix: 'shop-' });
  });
});
