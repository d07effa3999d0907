/** Where the demo finds the stack and what it does, from the same variables `npm start` reads. */
export interface DemoConfig {
  componentAppid: string;
  urls: {
    ingress: string;
    token: string;
    authorizer: string;
    codeRelease: string;
    adminApi: string;
    sim: string;
  };
  tokenApiKey: string;
  rabbitUrl: string;
  /** The broker namespace of the stack's exchanges and queues (`RABBITMQ_NAMESPACE`). */
  namespace: string;
  /** Mini programs the campaign releases to (one of them is rejected once, then retried). */
  targets: number;
  /** Start `npm start` when no app answers (false: fail instead). */
  startStack: boolean;
  /** Leave a stack the demo started running at the end. */
  keepStack: boolean;
  /** An existing operator to act as; without one the demo creates `demo-<hex>` with admin-api's CLI. */
  username?: string;
  password?: string;
  /** Python interpreter for examples/python-subscriber (`WXOP_DEMO_PYTHON`), else detected. */
  python?: string;
}

export const DEMO_USAGE = `usage: npm run demo [-- --no-start] [--keep] [--targets N]
  --no-start   fail when the stack is not running, instead of starting it with npm start
  --keep       leave a stack the demo started running when it ends (to look at it in the console)
  --targets N  mini programs the campaign releases to (default 20; one is rejected once, then retried)
The stack's addresses come from the variables npm start reads (.env): *_HTTP_PORT, WECHAT_COMPONENT_APPID,
TOKEN_API_KEYS, RABBITMQ_URL, RABBITMQ_NAMESPACE; WXOP_DEMO_USERNAME and WXOP_DEMO_PASSWORD name an existing
operator to act as (else one is created).`;

const local = (port: string) => `http://127.0.0.1:${port}`;

/** Reads the configuration; throws a TypeError naming the argument it does not understand. */
export function demoConfig(env: NodeJS.ProcessEnv, argv: readonly string[]): DemoConfig {
  let startStack = true;
  let keepStack = false;
  let targets = Number(env['WXOP_DEMO_TARGETS'] || 20);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--no-start') startStack = false;
    else if (arg === '--keep') keepStack = true;
    else if (arg === '--targets') targets = Number(argv[++i]);
    else if (arg.startsWith('--targets=')) targets = Number(arg.slice('--targets='.length));
    else throw new TypeError(`unknown argument ${arg}\n${DEMO_USAGE}`);
  }
  if (!Number.isInteger(targets) || targets < 2 || targets > 500)
    throw new TypeError(`--targets must be an integer from 2 to 500 (one target is rejected once)`);
  const port = (name: string, fallback: string) => env[name] || fallback;
  return {
    componentAppid: env['WECHAT_COMPONENT_APPID'] || 'wxd0000000000de0a1',
    urls: {
      ingress: local(port('INGRESS_HTTP_PORT', '3100')),
      token: local(port('TOKEN_HTTP_PORT', '3200')),
      authorizer: local(port('AUTHORIZER_HTTP_PORT', '3300')),
      codeRelease: local(port('CODE_RELEASE_HTTP_PORT', '3400')),
      adminApi: local(port('ADMIN_API_HTTP_PORT', '3500')),
      sim: local(port('SIM_HTTP_PORT', '3900')),
    },
    tokenApiKey: (env['TOKEN_API_KEYS'] || 'wxop-demo-token-api-key-change-me').split(',')[0]!.trim(),
    rabbitUrl: env['RABBITMQ_URL'] || 'amqp://guest:guest@127.0.0.1:5672',
    namespace: env['RABBITMQ_NAMESPACE'] || '',
    targets,
    startStack,
    keepStack,
    ...(env['WXOP_DEMO_USERNAME'] ? { username: env['WXOP_DEMO_USERNAME'] } : {}),
    ...(env['WXOP_DEMO_PASSWORD'] ? { password: env['WXOP_DEMO_PASSWORD'] } : {}),
    ...(env['WXOP_DEMO_PYTHON'] ? { python: env['WXOP_DEMO_PYTHON'] } : {}),
  };
}
