import { loadConfig, SecretsConfig, variableNames, WechatComponentConfig } from '@wxop/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { IngressConfig } from './ingress.config';

describe(IngressConfig.name, () => {
  it('has every variable listed in .env.example', () => {
    const example = readFileSync(join(__dirname, '..', '..', '..', '..', '.env.example'), 'utf8');
    for (const schema of [IngressConfig, WechatComponentConfig, SecretsConfig]) {
      for (const name of variableNames(schema)) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
    }
  });

  it('refuses a bad EncodingAESKey without printing it', () => {
    expect(() =>
      loadConfig({ c: WechatComponentConfig }, { WECHAT_COMPONENT_ENCODING_AES_KEY: 'short-secret' }),
    ).toThrow(/WECHAT_COMPONENT_ENCODING_AES_KEY.*\(got a value \(hidden\)\)/);
  });

  it('needs the keys that seal the outbox, and hides them when they are bad', () => {
    expect(() => loadConfig({ s: SecretsConfig }, {})).toThrow(/SECRETS_KEYS: .*\(missing\)/);
    expect(() =>
      loadConfig({ s: SecretsConfig }, { SECRETS_KEYS: 'k1:not-a-key', SECRETS_CURRENT_KEY_ID: 'k1' }),
    ).toThrow(/SECRETS_KEYS.*\(got a value \(hidden\)\)/);
  });
});
