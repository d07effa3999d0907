import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { adminCall, startAdminApi, type AdminApiProcess } from './admin-test.util';

const CONSOLE_API = join(__dirname, '..', '..', 'console', 'src', 'api', 'openapi.json');

/** admin-api serving the web console at /console, and the console's copy of the OpenAPI document kept current. */
describe('the web console on admin-api', () => {
  let dir: string;
  let api: AdminApiProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wxop-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'export {}');
    api = await startAdminApi({ env: { ADMIN_API_CONSOLE_DIR: dir } });
  });

  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page at /console/, hashed assets cached for a year, and the page for every console route', async () => {
    const redirect = await fetch(`${api.url}/console`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([302, '/console/']);
    const page = await fetch(`${api.url}/console/`);
    const html = await page.text();
    expect([page.status, page.headers.get('cache-control')]).toEqual([200, 'no-cache']);
    expect(html).toContain('id="root"');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const asset = await fetch(`${api.url}/console/assets/index-abc123.js`);
    expect([asset.status, asset.headers.get('cache-control')]).toEqual([
      200,
      'public, max-age=31536000, immutable',
    ]);
    const deep = await fetch(`${api.url}/console/campaigns/42?tab=targets`);
    expect([deep.status, await deep.text()]).toEqual([200, html]);
    // A missing chunk (a tab open across a deployment) fails visibly instead of answering the page.
    const stale = await fetch(`${api.url}/console/assets/index-old999.js`);
    expect([stale.status, (await stale.text()).includes('root')]).toEqual([404, false]);
    // A chunk written after start (the console rebuilt while admin-api runs) is served; nothing outside.
    writeFileSync(join(dir, 'assets', 'index-new456.js'), 'export {}');
    expect((await fetch(`${api.url}/console/assets/index-new456.js`)).status).toBe(200);
    const outside = await fetch(`${api.url}/console/..%2f..%2fetc%2fpasswd`);
    expect((await outside.text()).includes('root:')).toBe(false);
    // Over plain HTTP the page's scripts must not be rewritten to https.
    expect(page.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    // The console's files are public; the API behind them is not.
    expect((await adminCall(api.url, 'GET', '/admin/v1/me')).status).toBe(401);
  });

  it("keeps the console's OpenAPI copy identical to the running app's (else: npm run console:api)", async () => {
    const { status, body } = await adminCall<unknown>(api.url, 'GET', '/admin/docs/openapi.json');
    expect(status).toBe(200);
    const copy = JSON.parse(readFileSync(CONSOLE_API, 'utf8')) as unknown;
    expect(copy).toEqual(body);
  });
});
