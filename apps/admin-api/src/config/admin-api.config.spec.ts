import { loadConfig, variableNames } from '@wxop/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { AdminApiConfig } from './admin-api.config';

const SECRET = 'k'.repeat(40);

describe(AdminApiConfig.name, () => {
  it('has every variable listed in .env.example', () => {
    const example = readFileSync(join(__dirname, '..', '..', '..', '..', '.env.example'), 'utf8');
    for (const name of variableNames(AdminApiConfig)) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });

  it('refuses to start without a JWT key, or with a short one, without printing it', () => {
    expect(() => loadConfig({ a: AdminApiConfig }, {})).toThrow(/ADMIN_API_JWT_SECRET/);
    let message = '';
    try {
      loadConfig({ a: AdminApiConfig }, { ADMIN_API_JWT_SECRET: 'short-secret-value' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/ADMIN_API_JWT_SECRET/);
    expect(message).not.toContain('short-secret-value');
  });

  it('leaves CORS off and proxies untrusted unless configured', () => {
    const { a } = loadConfig({ a: AdminApiConfig }, { ADMIN_API_JWT_SECRET: SECRET });
    expect(a.ADMIN_API_CORS_ORIGINS).toEqual([]);
    expect(a.ADMIN_API_TRUST_PROXY).toBe(false);
    expect(a.ADMIN_API_ACCESS_TOKEN_TTL_SECONDS).toBe(900);
    const configured = loadConfig(
      { a: AdminApiConfig },
      {
        ADMIN_API_JWT_SECRET: SECRET,
        ADMIN_API_CORS_ORIGINS: 'https://ops.example.com, https://b.example.com',
      },
    ).a;
    expect(configured.ADMIN_API_CORS_ORIGINS).toEqual(['https://ops.example.com', 'https://b.example.com']);
  });

  it('refuses a bootstrap username that is not a plain name', () => {
    expect(() =>
      loadConfig(
        { a: AdminApiConfig },
        { ADMIN_API_JWT_SECRET: SECRET, ADMIN_API_BOOTSTRAP_USERNAME: 'a b' },
      ),
    ).toThrow(/ADMIN_API_BOOTSTRAP_USERNAME/);
  });
});
