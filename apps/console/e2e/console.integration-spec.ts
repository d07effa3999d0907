import {
  authorizeHref,
  confirmForm,
  createAdminUser,
  freePort,
  startReleaseStack,
  uniqueRunId,
  waitUntil,
  type ReleaseStack,
} from '@wxop/testing';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';

import {
  CONSOLE_DIST,
  launchChromium,
  newContext,
  screenshot,
  seriousViolations,
  settled,
  signIn,
  type ConsoleUser,
  type Lang,
} from './console-e2e.util';

const COMPONENT = 'wx7777777777777777';

/**
 * The operators' web console in Debian's Chromium, against the whole platform in processes
 * (wechat-sim, ingress, token, authorizer, code-release, admin-api serving the built console): an
 * operator signs in, makes a link and, as the merchant in the same browser, authorizes on WeChat's
 * (the simulator's) page; finds the account; releases a template to five mini programs with a
 * campaign watched in its live view; forwards events to a local receiver with a test delivery seen in
 * the delivery log; replays a push. Then every page in both languages: axe-core finds no serious or
 * critical violation, and a screenshot of each is kept in dist/console-screenshots/. Then what each
 * role sees.
 */
describe('the web console in Chromium (end to end)', () => {
  let stack: ReleaseStack;
  let browser: Browser;
  let baseUrl: string;
  const users = {} as Record<ConsoleUser['role'], ConsoleUser>;
  let receiver: Server;
  let receiverUrl: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const merchants: string[] = [];
  let campaignUrl = '';
  let pushUrl = '';

  const api = async <T>(method: string, path: string, body?: unknown, token?: string): Promise<T> => {
    const response = await fetch(`${baseUrl}/admin/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const tokenOf = async (user: ConsoleUser) =>
    (
      await api<{ accessToken: string }>('POST', '/auth/login', {
        username: user.username,
        password: user.password,
      })
    ).accessToken;

  /** A merchant's mini program authorized over HTTP (the way operator-e2e does), for the campaign's other targets. */
  const authorizeOverHttp = async (token: string, bizRef: string): Promise<string> => {
    const { appids } = await stack.sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 1,
      type: 'mini_program',
    });
    const link = await api<{ url: string }>(
      'POST',
      `/components/${COMPONENT}/authorization-links`,
      { kind: 'h5', bizRef },
      token,
    );
    const wechatPage = new URL(authorizeHref(await (await fetch(link.url)).text()));
    const form = confirmForm(await (await fetch(wechatPage)).text(), appids[0]!);
    const confirmed = await fetch(`${stack.sim.url}/cgi-bin/componentloginpage/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    expect((await fetch(confirmed.headers.get('location')!)).status).toBe(200);
    return appids[0]!;
  };

  beforeAll(async () => {
    stack = await startReleaseStack({
      componentAppid: COMPONENT,
      prefix: 'console',
      authorizer: true,
      adminApi: true,
      componentCredentials: false,
      simEnv: { SIM_AUDIT_POLICY: 'approve', SIM_AUDIT_DELAY_SECONDS: '1' },
      // The test receiver listens on loopback, which forwarding refuses unless allowed.
      env: {
        'admin-api': {
          ADMIN_API_CONSOLE_DIR: CONSOLE_DIST,
          ADMIN_API_FORWARDING_ALLOWED_CIDRS: '127.0.0.1/32',
        },
      },
    });
    baseUrl = stack.processes['admin-api']!.url;
    const env = stack.env['admin-api']!;
    for (const role of ['admin', 'operator', 'viewer'] as const)
      users[role] = await createAdminUser(env, role);
    // The component, configured over the API (its settings page is toured below).
    const admin = await tokenOf(users.admin);
    await api(
      'POST',
      '/components',
      {
        componentAppid: COMPONENT,
        secret: stack.platform.secret,
        token: stack.platform.token,
        encodingAESKey: stack.platform.encodingAESKey,
      },
      admin,
    );
    await stack.sim.control('POST', `/platforms/${COMPONENT}/tickets`);
    await waitUntil(
      async () =>
        (
          await api<{ componentTokenExpiresAt?: string }>(
            'GET',
            `/components/${COMPONENT}/credentials`,
            undefined,
            admin,
          )
        ).componentTokenExpiresAt !== undefined,
      30_000,
      'the component token',
    );
    const port = await freePort();
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${port}/hooks/wxop`;
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
    await stack?.stop();
  });

  it('links, authorizes, finds, releases to five mini programs, forwards and replays, as an operator in the browser', async () => {
    const context = await newContext(browser, 'zh-CN');
    const page = await context.newPage();
    try {
      await operatorFlow(page);
    } catch (error) {
      // What the browser showed when the flow stopped, beside the page screenshots.
      await screenshot(page, 'zh-CN', 'failed-flow').catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  }, 280_000);

  const operatorFlow = async (page: Page) => {
    const context = page.context();
    await signIn(page, baseUrl, users.operator);

    // A link, created on the links page; the merchant opens it in the same browser and authorizes.
    const bizRef = `shop-${uniqueRunId()}`;
    await page.getByRole('menuitem', { name: '授权链接' }).click();
    await page.getByLabel('业务编号').fill(bizRef);
    await page.getByRole('button', { name: '生成授权链接' }).click();
    const linkUrl = await page.getByTestId('created-link').getAttribute('href');
    expect(linkUrl).toMatch(/^http/);
    const { appids } = await stack.sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 1,
      type: 'mini_program',
    });
    const merchant = appids[0]!;
    const merchantPage = await context.newPage();
    await merchantPage.goto(linkUrl!);
    await merchantPage.locator('#authorize').click();
    await merchantPage.locator(`button[data-appid="${merchant}"]`).click();
    await merchantPage.locator('#result[data-status="success"]').waitFor();
    await merchantPage.close();
    merchants.push(merchant);

    // The link turns used (the page polls); the account is found in search.
    await page.getByRole('cell', { name: '已授权' }).first().waitFor({ timeout: 30_000 });
    await page.getByRole('menuitem', { name: '授权账号' }).click();
    await waitUntil(
      async () => {
        // Searching again for the same reads the list again, in case it ran before the account existed.
        await page.getByLabel('搜索账号').fill(merchant);
        await page.getByLabel('搜索账号').press('Enter');
        await settled(page);
        return (await page.getByRole('link', { name: merchant }).count()) > 0;
      },
      30_000,
      'the merchant in the accounts search',
    );

    // Four more mini programs; a draft from the developer tools becomes a template on the templates page.
    const operatorToken = await tokenOf(users.operator);
    for (let i = 1; i < 5; i++) merchants.push(await authorizeOverHttp(operatorToken, `${bizRef}-${i}`));
    await stack.sim.control('POST', `/platforms/${COMPONENT}/drafts`, {
      userVersion: '2.0.0',
      userDesc: 'console release',
    });
    await page.getByRole('menuitem', { name: '代码模板' }).click();
    // The library is what the last sync read from WeChat: sync, then the new draft is listed.
    await page.getByRole('button', { name: '从微信同步' }).click();
    await settled(page);
    await page.getByRole('tab', { name: /草稿/ }).click();
    const added = page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' && /\/drafts\/\d+\/templates$/.test(response.url()),
    );
    await page.getByRole('button', { name: '设为模板' }).first().click();
    expect((await added).status()).toBe(200);

    // The campaign wizard over the five, then its live view until every target is released.
    await page.getByRole('menuitem', { name: '批量发布' }).click();
    await page.getByRole('button', { name: /新建/ }).first().click();
    await page.getByLabel('模板').click();
    await page.locator('.ant-select-dropdown .ant-select-item-option').first().click();
    const targets = page.getByLabel('目标小程序');
    for (const appid of merchants) {
      await targets.click();
      await targets.fill(appid);
      await page.locator('.ant-select-dropdown .ant-select-item-option', { hasText: appid }).first().click();
    }
    await page.keyboard.press('Escape');
    // On the submit step, one audit page with the simulator's category (it refuses one it lacks: 85077).
    const activeStep = (title: string) => page.locator('.ant-steps-item-active', { hasText: title });
    await page.getByRole('button', { name: '下一步' }).click();
    await activeStep('ext.json').waitFor();
    await page.getByRole('button', { name: '下一步' }).click();
    await activeStep('提审与预检').waitFor();
    await page.getByText('审核页面（item_list）').click();
    await page.getByRole('button', { name: '添加审核页面' }).click();
    const auditPage = {
      address: 'pages/index/index',
      firstClass: '工具',
      firstId: 287,
      secondClass: '效率',
      secondId: 612,
    };
    await page.getByLabel('页面路径', { exact: true }).fill(auditPage.address);
    await page.getByLabel('一级类目', { exact: true }).fill(auditPage.firstClass);
    await page.getByLabel('一级类目 ID', { exact: true }).fill(String(auditPage.firstId));
    await page.getByLabel('二级类目', { exact: true }).fill(auditPage.secondClass);
    await page.getByLabel('二级类目 ID', { exact: true }).fill(String(auditPage.secondId));
    for (let step = 0; step < 8; step++) {
      const create = page.getByRole('button', { name: '创建发布' });
      if (await create.isVisible()) break;
      await page.getByRole('button', { name: '下一步' }).click();
    }
    // Routed to read the request's body: the console's client clones each request (to retry it after a
    // refresh), and Chromium then reports no post data to plain request events.
    const isCampaigns = (url: URL) => url.pathname === '/admin/v1/campaigns';
    let creation: unknown;
    await page.route(isCampaigns, async (route) => {
      if (route.request().method() === 'POST') creation = route.request().postDataJSON();
      await route.continue();
    });
    await page.getByRole('button', { name: '创建发布' }).click();
    await page.waitForURL(/\/console\/campaigns\/(?!new$)[^/]+$/);
    await page.unroute(isCampaigns);
    expect(creation).toMatchObject({ submit: { itemList: [auditPage] } });
    campaignUrl = page.url();
    await page.getByTestId('campaign-status').filter({ hasText: 'finished' }).waitFor({ timeout: 150_000 });
    expect(await page.getByTestId('campaign-released').textContent()).toContain('5');

    // A forwarding rule to a local receiver, a test delivery, and the delivery in the log.
    await page.getByRole('menuitem', { name: '事件转发' }).click();
    await page.getByRole('button', { name: '新建转发规则' }).click();
    await page.getByLabel('接收地址').fill(receiverUrl);
    const events = page.getByLabel('事件');
    await events.click();
    await events.fill('authorization.#');
    await events.press('Enter');
    await page.getByRole('dialog').getByRole('button', { name: '新建' }).click();
    await page.getByText(receiverUrl).first().waitFor();
    await page.keyboard.press('Escape');
    await page
      .getByRole('row', { name: new RegExp(receiverUrl) })
      .getByRole('link')
      .first()
      .click();
    await page.getByRole('button', { name: '发送测试事件' }).click();
    await waitUntil(() => received.length > 0, 20_000, 'the test delivery at the receiver');
    expect(received[0]!.headers['x-wxop-signature']).toBeDefined();
    await page.getByRole('table', { name: '投递记录' }).getByRole('row').nth(1).waitFor({ timeout: 20_000 });

    // A push of the merchant's customer, replayed from its page.
    await stack.sim.control('POST', `/platforms/${COMPONENT}/pushes`, {
      authorizerAppid: merchant,
      fields: { MsgType: 'text', Content: '控制台重放', MsgId: Date.now() },
    });
    let pushId: number | undefined;
    await waitUntil(
      async () => {
        const found = await api<{ items: { id: number; type: string }[] }>(
          'GET',
          `/pushes?componentAppid=${COMPONENT}&authorizerAppid=${merchant}`,
          undefined,
          operatorToken,
        );
        pushId = found.items.find((push) => push.type === 'wechat.message.text')?.id;
        return pushId !== undefined;
      },
      20_000,
      'the message push in the push log',
    );
    pushUrl = `${baseUrl}/console/pushes/${pushId}`;
    await page.goto(pushUrl);
    await page.getByText('控制台重放').first().waitFor();
    await page.getByRole('button', { name: '重放' }).click();
    await page
      .getByRole('button', { name: /确\s*认|确\s*定|OK/ })
      .last()
      .click();
    await page.getByTestId('replay-result').waitFor();
  };

  const PAGES: [string, (lang: Lang) => string][] = [
    ['login', () => '/console/login'],
    ['dashboard', () => '/console/'],
    ['links', () => '/console/links'],
    ['accounts', () => '/console/accounts'],
    ['account-detail', () => `/console/accounts/${merchants[0]}`],
    ['versions', () => `/console/accounts/${merchants[0]}/versions`],
    ['pushes', () => '/console/pushes'],
    ['push-detail', () => pushUrl.replace(baseUrl, '')],
    ['dead-letters', () => '/console/dead-letters'],
    ['templates', () => '/console/templates'],
    ['campaigns', () => '/console/campaigns'],
    ['campaign-new', () => '/console/campaigns/new'],
    ['campaign-detail', () => campaignUrl.replace(baseUrl, '')],
    ['forwarding', () => '/console/forwarding'],
    ['components', () => '/console/components'],
    ['users', () => '/console/users'],
    ['audit', () => '/console/audit'],
  ];

  it.each(['zh-CN', 'en'] as const)(
    'every page in %s: no serious or critical axe violation, a screenshot each',
    async (lang) => {
      expect(campaignUrl).not.toBe('');
      const context = await newContext(browser, lang);
      const page = await context.newPage();
      const login = await context.newPage();
      await login.goto(`${baseUrl}/console/login`);
      await settled(login);
      const loginViolations = await seriousViolations(login);
      await screenshot(login, lang, '00-login');
      await login.close();
      await signIn(page, baseUrl, users.admin, lang);
      const found: Record<string, string[]> = { login: loginViolations };
      for (const [index, [name, path]] of PAGES.entries()) {
        if (name === 'login') continue;
        await page.goto(`${baseUrl}${path(lang)}`);
        await page.locator('h2').first().waitFor();
        await settled(page);
        found[name] = await seriousViolations(page);
        await screenshot(page, lang, `${String(index).padStart(2, '0')}-${name}`);
      }
      // The page shows the language it was asked for.
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      expect(
        Object.fromEntries(Object.entries(found).filter(([, violations]) => violations.length > 0)),
      ).toEqual({});
      await context.close();
    },
    240_000,
  );

  it('shows each role only what it may do (and the API refuses the rest anyway)', async () => {
    const context = await newContext(browser, 'en');
    const page = await context.newPage();
    await signIn(page, baseUrl, users.viewer, 'en');
    const menu = page.getByRole('navigation');
    await expect(menu.getByRole('menuitem', { name: 'Pushes' }).count()).resolves.toBe(1);
    await expect(menu.getByRole('menuitem', { name: 'Users and roles' }).count()).resolves.toBe(0);
    await page.goto(`${baseUrl}/console/links`);
    await page.locator('h2').first().waitFor();
    await settled(page);
    await expect(page.getByRole('button', { name: 'Create a link' }).count()).resolves.toBe(0);
    await page.goto(pushUrl);
    await page.locator('h2').first().waitFor();
    await settled(page);
    await expect(page.getByRole('button', { name: 'Replay' }).count()).resolves.toBe(0);
    await page.goto(campaignUrl);
    await page
      .getByTestId('campaign-status')
      .waitFor()
      .catch(async (error: unknown) => {
        await screenshot(page, 'en', 'failed-viewer-campaign');
        throw error;
      });
    // A viewer sees the campaign but no action it could take: each is hidden or disabled.
    const CAMPAIGN_ACTIONS = ['Pause', 'Resume', 'Cancel campaign', 'Retry failed', 'Revert release'];
    for (const name of CAMPAIGN_ACTIONS) {
      const button = page.getByRole('button', { name, exact: true });
      if ((await button.count()) > 0) await expect(button.isDisabled()).resolves.toBe(true);
    }
    // The API refuses what the page hides.
    const viewerToken = await page.evaluate(
      () =>
        (JSON.parse(localStorage.getItem('wxop.console.session') ?? '{}') as { accessToken?: string })
          .accessToken,
    );
    const refused = await fetch(`${baseUrl}/admin/v1/components/${COMPONENT}/authorization-links`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${viewerToken}` },
      body: JSON.stringify({ kind: 'pc' }),
    });
    expect(refused.status).toBe(403);
    await context.close();

    const operatorContext = await newContext(browser, 'en');
    const operatorPage = await operatorContext.newPage();
    await signIn(operatorPage, baseUrl, users.operator, 'en');
    await expect(
      operatorPage.getByRole('navigation').getByRole('menuitem', { name: 'Users and roles' }).count(),
    ).resolves.toBe(0);
    await expect(
      operatorPage.getByRole('navigation').getByRole('menuitem', { name: 'Campaigns' }).count(),
    ).resolves.toBe(1);
    // …and the operator may revert the finished campaign, which the viewer could not.
    await operatorPage.goto(campaignUrl);
    await operatorPage.getByTestId('campaign-status').waitFor();
    await expect(
      operatorPage.getByRole('button', { name: 'Revert release', exact: true }).isEnabled(),
    ).resolves.toBe(true);
    await operatorContext.close();
  }, 120_000);

  it('tells a locked-out operator how long to wait, and sends an expired session back to the login page', async () => {
    const context = await newContext(browser, 'en');
    const page = await context.newPage();
    await page.goto(`${baseUrl}/console/login`);
    for (let attempt = 0; attempt < 8; attempt++) {
      await page.getByLabel('Username').fill(users.viewer.username);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').first().waitFor();
      if ((await page.getByText(/Too many failed sign-ins/).count()) > 0) break;
    }
    await page.getByText(/Too many failed sign-ins: try again in \d+ s/).waitFor();

    // An access token that no longer works (expired): one refresh, the page shows, the tokens rotated.
    await signIn(page, baseUrl, users.operator, 'en');
    const before = await page.evaluate(
      () => JSON.parse(localStorage.getItem('wxop.console.session')!) as { refreshToken: string },
    );
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('wxop.console.session')!) as Record<string, unknown>;
      localStorage.setItem('wxop.console.session', JSON.stringify({ ...session, accessToken: 'x.y.z' }));
    });
    await page.goto(`${baseUrl}/console/pushes`);
    await page.getByRole('heading', { name: 'Pushes', level: 2 }).waitFor();
    const after = await page.evaluate(
      () =>
        JSON.parse(localStorage.getItem('wxop.console.session')!) as {
          refreshToken: string;
          accessToken: string;
        },
    );
    expect(after.accessToken).not.toBe('x.y.z');
    expect(after.refreshToken).not.toBe(before.refreshToken);

    // A session whose tokens no longer work (ended on the server) lands on the login page, saying so.
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('wxop.console.session')!) as Record<string, unknown>;
      localStorage.setItem(
        'wxop.console.session',
        JSON.stringify({ ...session, accessToken: 'x.y.z', refreshToken: 'gone' }),
      );
    });
    await page.goto(`${baseUrl}/console/pushes`);
    await page.getByText('Your session expired: sign in again').waitFor();
    await context.close();
  }, 120_000);
});
