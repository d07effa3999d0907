import { loadConfig, variableNames } from '@wxop/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { WechatSimConfig } from './wechat-sim.config';

describe(WechatSimConfig.name, () => {
  it('has every variable listed in .env.example', () => {
    const example = readFileSync(join(__dirname, '..', '..', '..', '..', '.env.example'), 'utf8');
    for (const name of variableNames(WechatSimConfig)) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });

  it('starts with defaults and names every bad variable', () => {
    expect(loadConfig({ sim: WechatSimConfig }, {}).sim.SIM_TOKEN_TTL_SECONDS).toBe(7200);
    expect(() =>
      loadConfig({ sim: WechatSimConfig }, { SIM_AUDIT_POLICY: 'lenient', SIM_PUSH_ATTEMPTS: '0' }),
    ).toThrow(/SIM_AUDIT_POLICY[\s\S]*SIM_PUSH_ATTEMPTS|SIM_PUSH_ATTEMPTS[\s\S]*SIM_AUDIT_POLICY/);
  });
});
