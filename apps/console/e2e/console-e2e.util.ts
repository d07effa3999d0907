import AxeBuilder from '@axe-core/playwright';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = join(__dirname, '..', '..', '..');
export const CONSOLE_DIST = join(ROOT, 'dist', 'apps', 'console');
export const SCREENSHOTS = join(ROOT, 'dist', 'console-screenshots');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, driven by playwright-core (no downloaded browser). The flags keep it
 * off the network it cannot reach (background services, component updates, QUIC).
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: run WXOP_INFRA_BROWSER=1 bash scripts/infra.sh (or set CHROMIUM_PATH)`,
    );
  if (!existsSync(join(CONSOLE_DIST, 'index.html')))
    throw new Error(`the console is not built in ${CONSOLE_DIST}: npx nx build console`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export type Lang = 'zh-CN' | 'en';

/** A browser context in one language (the console's own switch, stored as the app stores it). */
export async function newContext(browser: Browser, lang: Lang = 'zh-CN'): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: lang, viewport: { width: 1440, height: 900 } });
  await context.addInitScript((language) => {
    if (!localStorage.getItem('wxop.console.language'))
      localStorage.setItem('wxop.console.language', language);
  }, lang);
  context.setDefaultTimeout(20_000);
  return context;
}

export interface ConsoleUser {
  username: string;
  password: string;
  role: 'admin' | 'operator' | 'viewer';
}

const LABELS = {
  'zh-CN': { username: '用户名', password: '密码', submit: '登录' },
  en: { username: 'Username', password: 'Password', submit: 'Sign in' },
};

/** Signs in on the console's login page, as a person would. */
export async function signIn(
  page: Page,
  baseUrl: string,
  user: ConsoleUser,
  lang: Lang = 'zh-CN',
): Promise<void> {
  await page.goto(`${baseUrl}/console/login`);
  await page.getByLabel(LABELS[lang].username).fill(user.username);
  await page.getByLabel(LABELS[lang].password).fill(user.password);
  await page.getByRole('button', { name: LABELS[lang].submit }).click();
  await page.getByRole('navigation').waitFor();
}

/** axe-core on the page as it is: the serious and critical violations (expected: none). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
          .slice(0, 3)
          .map((node) => `${node.target.join(' ')} [${(node.any[0]?.message ?? '').slice(0, 160)}]`)
          .join(', ')}`,
    );
}

/** A full-page screenshot kept as a test artifact: dist/console-screenshots/<lang>/<name>.png. */
export async function screenshot(page: Page, lang: Lang, name: string): Promise<void> {
  const dir = join(SCREENSHOTS, lang);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Waits until no request of the page is in flight and antd's spinners are gone. */
export async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page
    .locator('.ant-spin-spinning')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
}
