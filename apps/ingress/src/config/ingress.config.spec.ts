import { loadConfig, SecretsConfig, variableNames, WechatComponentConfig } from '@wxop/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { IngressConfig, requiredQueuesOf } from './ingress.config';

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

  describe('INGRESS_REQUIRED_QUEUES', () => {
    const required = (value?: string) =>
      requiredQueuesOf(loadConfig({ ingress: IngressConfig }, { INGRESS_REQUIRED_QUEUES: value }).ingress);

    it("defaults to the token and authorizer services' queues of raw pushes", () => {
      expect(required()).toEqual(['token.component-pushes', 'authorizer.authorization-pushes']);
      // An empty value is unset, as for every variable: the default, never "no requirement".
      expect(required('')).toEqual(['token.component-pushes', 'authorizer.authorization-pushes']);
    });

    it('takes a comma-separated list, trimmed, each name once', () => {
      expect(
        required(
          ' token.component-pushes , code-release.audit-results,,admin-api.push-log,token.component-pushes',
        ),
      ).toEqual(['token.component-pushes', 'code-release.audit-results', 'admin-api.push-log']);
    });

    it('requires nothing with none', () => {
      expect(required('none')).toEqual([]);
      expect(required('NONE')).toEqual([]);
    });

    it('refuses names that are not queue names, and none beside queue names', () => {
      expect(() => required('token.component-pushes,wxop events')).toThrow(
        /INGRESS_REQUIRED_QUEUES must be queue names separated by commas, or none/,
      );
      expect(() => required('none,token.component-pushes')).toThrow(/none cannot be listed with queue names/);
      expect(() => required(',')).toThrow(/INGRESS_REQUIRED_QUEUES/);
    });
  });
});
