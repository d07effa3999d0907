/** The receiver's settings, from environment variables (README, "Configuration"). */
export class ConfigError extends Error {
  constructor(problems) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.problems = problems;
  }
}

const DEFAULTS = {
  PORT: '8080',
  WEBHOOK_PATH: '/webhooks/wxop',
  WEBHOOK_TOLERANCE_SECONDS: '300',
  WEBHOOK_MAX_BODY_BYTES: String(1024 * 1024),
  WEBHOOK_SEEN_EVENTS: '100000',
};

/** Validates every variable and names each bad one at once; throws ConfigError. */
export function loadConfig(env) {
  const problems = [];
  const read = (name) => (env[name] === undefined || env[name] === '' ? DEFAULTS[name] : env[name]);
  const integer = (name, min, max) => {
    const text = read(name);
    const value = Number(text);
    if (!/^[0-9]+$/.test(text) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(text)})`);
    }
    return value;
  };
  const secret = (name, required) => {
    const value = env[name];
    if (value === undefined || value === '') {
      if (required) problems.push(`${name} is required: the signing secret admin-api showed for the rule`);
      return undefined;
    }
    // wxop's secrets are `whsec_` + 43 base64url characters; anything short is a copy-paste accident.
    if (value.length < 16 || /\s/.test(value)) {
      problems.push(`${name} must be the whole secret (16 or more characters, no spaces)`);
    }
    return value;
  };

  const current = secret('WEBHOOK_SECRET', true);
  const previous = secret('WEBHOOK_PREVIOUS_SECRET', false);
  const path = read('WEBHOOK_PATH');
  if (!path.startsWith('/')) problems.push(`WEBHOOK_PATH must start with / (got ${JSON.stringify(path)})`);
  const config = {
    host: env.HOST || undefined,
    port: integer('PORT', 0, 65535),
    path,
    // The current secret first: a match on the previous one is logged as such (README, "Rotation").
    secrets: [current, previous].filter((value) => value !== undefined),
    toleranceSeconds: integer('WEBHOOK_TOLERANCE_SECONDS', 1, 24 * 3600),
    maxBodyBytes: integer('WEBHOOK_MAX_BODY_BYTES', 1024, 64 * 1024 * 1024),
    seenEvents: integer('WEBHOOK_SEEN_EVENTS', 1, 10_000_000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
