import { loadConfig, variableNames } from '@wxop/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { TokenConfig } from './token.config';

describe(TokenConfig.name, () => {
  it('has every variable listed in .env.example', () => {
    const example = readFileSync(join(__dirname, '..', '..', '..', '..', '.env.example'), 'utf8');
    for (const name of variableNames(TokenConfig)) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });

  it('refuses to start without API keys, or with a short one, without printing it', () => {
    expect(() => loadConfig({ t: TokenConfig }, {})).toThrow(/TOKEN_API_KEYS/);
    expect(() => loadConfig({ t: TokenConfig }, { TOKEN_API_KEYS: 'short-key' })).toThrow(
      /TOKEN_API_KEYS.*\(got a value \(hidden\)\)/,
    );
    expect(
      loadConfig({ t: TokenConfig }, { TOKEN_API_KEYS: 'a'.repeat(24) + ', ' + 'b'.repeat(30) }).t
        .TOKEN_API_KEYS,
    ).toEqual(['a'.repeat(24), 'b'.repeat(30)]);
  });
});
