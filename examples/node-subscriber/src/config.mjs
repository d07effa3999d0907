/**
 * The subscriber's settings, from environment variables only. The defaults reach the stack
 * `npm start` runs at the repository's root (broker on 5672, token service on 3200 with its demo
 * key), so `npm start` here works against it with nothing set.
 */

const DEFAULTS = {
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
  RABBITMQ_NAMESPACE: '',
  WXOP_TOKEN_URL: 'http://127.0.0.1:3200',
  // The development key of the root `npm start` (apps/token/project.json); never use it elsewhere.
  WXOP_TOKEN_API_KEY: 'wxop-demo-token-api-key-change-me',
  SUBSCRIBER_QUEUE: 'example.node-subscriber',
  // `#`, not `*`: `release.audit.succeeded` and `release.campaign.started` have three words.
  SUBSCRIBER_BINDINGS: 'authorization.*,release.#',
  SUBSCRIBER_PREFETCH: '10',
  SUBSCRIBER_SEEN_IDS: '10000',
};

/** Settings that cannot be used; `problems` names each bad variable. */
export class ConfigError extends Error {
  constructor(problems) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

/** Reads and checks every setting; throws one ConfigError naming each bad variable. */
export function loadConfig(env = process.env) {
  const value = (name) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? DEFAULTS[name] : raw.trim();
  };
  const problems = [];
  const positiveInteger = (name, max) => {
    const number = Number(value(name));
    if (!Number.isInteger(number) || number < 1 || number > max) {
      problems.push(`${name} must be a whole number from 1 to ${max} (got ${JSON.stringify(value(name))})`);
    }
    return number;
  };
  const url = (name, protocols) => {
    try {
      const parsed = new URL(value(name));
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
    } catch {
      // Never echo the value: a broker URL carries a password.
      problems.push(`${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
    }
    return value(name);
  };

  const config = {
    rabbitmqUrl: url('RABBITMQ_URL', ['amqp:', 'amqps:']),
    // Every broker object wxop declares is prefixed with RABBITMQ_NAMESPACE (it is usually empty).
    namespace: env.RABBITMQ_NAMESPACE?.trim() ?? DEFAULTS.RABBITMQ_NAMESPACE,
    tokenUrl: url('WXOP_TOKEN_URL', ['http:', 'https:']).replace(/\/+$/, ''),
    tokenApiKey: value('WXOP_TOKEN_API_KEY'),
    queue: value('SUBSCRIBER_QUEUE'),
    bindings: value('SUBSCRIBER_BINDINGS')
      .split(',')
      .map((pattern) => pattern.trim())
      .filter(Boolean),
    prefetch: positiveInteger('SUBSCRIBER_PREFETCH', 1000),
    seenIds: positiveInteger('SUBSCRIBER_SEEN_IDS', 10_000_000),
  };
  if (config.bindings.length === 0) problems.push('SUBSCRIBER_BINDINGS must name at least one pattern');
  // As wxop's services require: `staging` would name another exchange, which nobody publishes to.
  if (config.namespace !== '' && !config.namespace.endsWith('.'))
    problems.push('RABBITMQ_NAMESPACE must be empty or end with a dot (e.g. staging.)');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...config,
    exchange: `${config.namespace}wxop.events`,
    queue: config.namespace + config.queue,
    deadLetterQueue: `${config.namespace}${config.queue}.dlq`,
  };
}
