import { demoConfig } from './demo-config';

describe('demoConfig', () => {
  it("answers npm start's addresses and keys when nothing is set", () => {
    const config = demoConfig({}, []);
    expect(config).toMatchObject({
      componentAppid: 'wxd0000000000de0a1',
      tokenApiKey: 'wxop-demo-token-api-key-change-me',
      rabbitUrl: 'amqp://guest:guest@127.0.0.1:5672',
      namespace: '',
      targets: 20,
      startStack: true,
      keepStack: false,
    });
    expect(config.urls).toEqual({
      ingress: 'http://127.0.0.1:3100',
      token: 'http://127.0.0.1:3200',
      authorizer: 'http://127.0.0.1:3300',
      codeRelease: 'http://127.0.0.1:3400',
      adminApi: 'http://127.0.0.1:3500',
      sim: 'http://127.0.0.1:3900',
    });
    expect(config.username).toBeUndefined();
  });

  it('reads the ports, the first token API key, the namespace and the operator from the environment', () => {
    const config = demoConfig(
      {
        ADMIN_API_HTTP_PORT: '4500',
        SIM_HTTP_PORT: '4900',
        TOKEN_API_KEYS: ' first-key , second-key',
        RABBITMQ_NAMESPACE: 'run1.',
        WECHAT_COMPONENT_APPID: 'wx1111111111111111',
        WXOP_DEMO_USERNAME: 'ops',
        WXOP_DEMO_PASSWORD: 'secret-pw',
      },
      [],
    );
    expect(config.urls.adminApi).toBe('http://127.0.0.1:4500');
    expect(config.urls.sim).toBe('http://127.0.0.1:4900');
    expect(config).toMatchObject({
      tokenApiKey: 'first-key',
      namespace: 'run1.',
      componentAppid: 'wx1111111111111111',
      username: 'ops',
      password: 'secret-pw',
    });
  });

  it('reads its flags', () => {
    expect(demoConfig({}, ['--no-start', '--keep', '--targets', '5'])).toMatchObject({
      startStack: false,
      keepStack: true,
      targets: 5,
    });
    expect(demoConfig({}, ['--targets=7']).targets).toBe(7);
    expect(demoConfig({ WXOP_DEMO_TARGETS: '3' }, []).targets).toBe(3);
  });

  it('refuses an unknown argument and a target count it cannot run', () => {
    expect(() => demoConfig({}, ['--fast'])).toThrow(/unknown argument --fast[\s\S]*usage: npm run demo/);
    expect(() => demoConfig({}, ['--targets', '1'])).toThrow(/--targets must be an integer from 2 to 500/);
    expect(() => demoConfig({}, ['--targets', 'x'])).toThrow(/--targets/);
    expect(() => demoConfig({}, ['--targets', '501'])).toThrow(/--targets/);
  });
});
