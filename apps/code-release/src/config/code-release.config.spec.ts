import { loadConfig, variableNames } from '@wxop/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CodeReleaseConfig } from './code-release.config';

describe(CodeReleaseConfig.name, () => {
  it('has every variable listed in .env.example', () => {
    const example = readFileSync(join(__dirname, '..', '..', '..', '..', '.env.example'), 'utf8');
    for (const name of variableNames(CodeReleaseConfig)) {
      expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
    }
  });

  it('starts with the defaults and reads numbers from the environment', () => {
    const { release } = loadConfig({ release: CodeReleaseConfig }, { CODE_RELEASE_HTTP_PORT: '3999' });
    expect(release.CODE_RELEASE_HTTP_PORT).toBe(3999);
    expect(release.CODE_RELEASE_WECHAT_TIMEOUT_MS).toBe(10000);
  });

  it('takes the undo limits from the environment, WeChat’s 5 a day and 10 a month by default', () => {
    expect(loadConfig({ release: CodeReleaseConfig }, {}).release).toMatchObject({
      CODE_RELEASE_UNDO_PER_DAY: 5,
      CODE_RELEASE_UNDO_PER_MONTH: 10,
    });
    const { release } = loadConfig(
      { release: CodeReleaseConfig },
      { CODE_RELEASE_UNDO_PER_DAY: '1', CODE_RELEASE_UNDO_PER_MONTH: '3' },
    );
    expect(release).toMatchObject({ CODE_RELEASE_UNDO_PER_DAY: 1, CODE_RELEASE_UNDO_PER_MONTH: 3 });
  });

  it('refuses to start naming every bad variable', () => {
    expect(() =>
      loadConfig(
        { release: CodeReleaseConfig },
        { CODE_RELEASE_HTTP_PORT: '70000', CODE_RELEASE_WECHAT_TIMEOUT_MS: 'soon' },
      ),
    ).toThrow(
      /CODE_RELEASE_HTTP_PORT[\s\S]*CODE_RELEASE_WECHAT_TIMEOUT_MS|CODE_RELEASE_WECHAT_TIMEOUT_MS[\s\S]*CODE_RELEASE_HTTP_PORT/,
    );
  });
});
