import { loadConfig, variableNames, WechatComponentConfig } from '@wxop/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { IngressConfig } from './ingress.config';

describe(IngressConfig.name, () => {
  it('has every variable listed in .env.example', () => {
    const example = readFileSync(join(__dirname, '..', '..', '..', '..', '.env.example'), 'utf8');
    for (const schema of [IngressConfig, WechatComponentConfig]) {
      for (const name of variableNames(schema)) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
    }
  });

  it('refuses a bad EncodingAESKey without printing it', () => {
    expect(() =>
      loadConfig({ c: WechatComponentConfig }, { WECHAT_COMPONENT_ENCODING_AES_KEY: 'short-secret' }),
    ).toThrow(/WECHAT_COMPONENT_ENCODING_AES_KEY.*\(got a value \(hidden\)\)/);
  });
});
