/**
 * A wxop event subscriber, as a team that uses wxop would write one: its own durable queue bound
 * to the `wxop.events` topic exchange, manual acks with a prefetch, deduplication by envelope id,
 * poison messages to a dead-letter queue, and the authorizer's access token read from the token
 * service's HTTP API when an authorization arrives. It uses only the public contract
 * (CONTRACT.md §2 and §3), no wxop code.
 *
 * stdout: one JSON line per handled event (what a program reads). stderr: the log, JSON lines.
 */
import { connect } from 'amqplib';

import { ConfigError, loadConfig } from './config.mjs';
import { SeenEvents } from './seen-events.mjs';
import { TokenClient, TokenOutcome } from './token-client.mjs';

/** Events after which the token service holds the authorizer's credentials. */
const TOKEN_EVENTS = new Set([
  'authorization.authorized',
  'authorization.updated',
  'token.authorizer.issued',
]);
/** How long a stop waits for the events in hand before it closes (the broker redelivers the rest). */
const STOP_TIMEOUT_MS = 10_000;

function log(level, msg, fields = {}) {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
}

function report(line) {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  log('error', 'invalid configuration', { problems: error.problems });
  process.exit(2);
}

const tokens = new TokenClient({ baseUrl: config.tokenUrl, apiKey: config.tokenApiKey, log });
const seen = new SeenEvents(config.seenIds);
/** id → the handling of that event in progress (a second copy waits for it). */
const handling = new Map();
/** Every message callback in progress, so a stop can wait for them. */
const running = new Set();
let stopping = false;

let connection;
try {
  connection = await connect(config.rabbitmqUrl, {
    clientProperties: { connection_name: 'wxop-example-node-subscriber' },
  });
} catch (error) {
  // The URL holds the password: name the host only.
  log('error', 'cannot connect to the broker', {
    host: new URL(config.rabbitmqUrl).host,
    error: String(error),
  });
  process.exit(1);
}
connection.on('error', (error) => log('error', 'broker connection error', { error: String(error) }));
connection.on('close', () => {
  if (stopping) return;
  // A production subscriber reconnects (with backoff) and declares its queue again; an example exits
  // and lets its supervisor (systemd, Kubernetes, …) restart it. Unacked messages are redelivered.
  log('error', 'broker connection lost, exiting');
  process.exit(1);
});

const channel = await connection.createChannel();
channel.on('error', (error) => log('error', 'channel error', { error: String(error) }));
channel.on('close', () => {
  if (stopping) return;
  log('error', 'channel closed by the broker, exiting');
  process.exit(1);
});

// The same declaration as wxop's services (durable topic exchange), so either may start first.
await channel.assertExchange(config.exchange, 'topic', { durable: true });
await channel.assertQueue(config.deadLetterQueue, { durable: true });
await channel.assertQueue(config.queue, {
  durable: true,
  // A message this subscriber cannot handle is nacked without requeue and lands here, to be looked
  // at and republished by a person: never dropped, never redelivered forever.
  arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': config.deadLetterQueue },
});
for (const pattern of config.bindings) await channel.bindQueue(config.queue, config.exchange, pattern);
await channel.prefetch(config.prefetch);

const { consumerTag } = await channel.consume(
  config.queue,
  (message) => {
    if (message === null) {
      log('error', 'the broker cancelled the consumer (queue deleted?), exiting');
      process.exit(1);
    }
    const done = onMessage(message)
      .catch((error) => log('error', 'message not settled', { error: String(error) }))
      .finally(() => running.delete(done));
    running.add(done);
  },
  { noAck: false },
);
log('info', 'listening', {
  pid: process.pid,
  queue: config.queue,
  exchange: config.exchange,
  bindings: config.bindings,
  prefetch: config.prefetch,
  tokenUrl: config.tokenUrl,
});

process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

async function onMessage(message) {
  const envelope = parseEnvelope(message.content);
  if (!envelope) {
    log('error', 'not an event envelope, dead-lettered', {
      routingKey: message.fields.routingKey,
      messageId: message.properties.messageId,
    });
    channel.nack(message, false, false);
    return;
  }
  // With a prefetch above 1 two copies of one event can be in hand at once: the second waits.
  while (handling.has(envelope.id)) await handling.get(envelope.id);
  if (seen.has(envelope.id)) {
    report(lineOf(envelope, { duplicate: true }));
    channel.ack(message);
    return;
  }
  const work = handle(envelope);
  handling.set(
    envelope.id,
    work.then(
      () => undefined,
      () => undefined,
    ),
  );
  try {
    const outcome = await work;
    seen.add(envelope.id);
    report(lineOf(envelope, { duplicate: false, ...outcome }));
    channel.ack(message);
  } catch (error) {
    // A bug or a broken rule: retrying would fail the same way. (A transient failure, e.g. your own
    // database being down, would rather be retried later through a delay queue.)
    log('error', 'handler failed, dead-lettered', {
      type: envelope.type,
      id: envelope.id,
      error: String(error),
    });
    channel.nack(message, false, false);
  } finally {
    handling.delete(envelope.id);
  }
}

/** The work an event causes; answers the fields its line reports. */
async function handle(envelope) {
  if (TOKEN_EVENTS.has(envelope.type) && envelope.authorizerAppid) {
    const { outcome, accessToken, expiresAt } = await tokens.authorizerAccessToken(
      envelope.componentAppid,
      envelope.authorizerAppid,
    );
    if (outcome !== TokenOutcome.Ok) return { token: outcome };
    // Here your code calls WeChat for this merchant with `accessToken` (or goes through the token
    // service's proxy, which injects it). Never log the token: its length and expiry say enough.
    return { token: outcome, tokenLength: accessToken.length, tokenExpiresAt: expiresAt };
  }
  // authorization.unauthorized: stop acting for the merchant. release.*: follow a campaign per
  // mini program (`data.campaignId`). Unknown types are fine: wxop adds types over time.
  return {};
}

/** The envelope (CONTRACT.md §2), or null when the body is not one. Unknown fields are kept. */
function parseEnvelope(content) {
  let envelope;
  try {
    envelope = JSON.parse(content.toString('utf8'));
  } catch {
    return null;
  }
  const isText = (value) => typeof value === 'string' && value.length > 0;
  if (!envelope || !isText(envelope.id) || !isText(envelope.type) || !isText(envelope.componentAppid))
    return null;
  return envelope;
}

function lineOf(envelope, fields) {
  return {
    type: envelope.type,
    id: envelope.id,
    componentAppid: envelope.componentAppid,
    authorizerAppid: envelope.authorizerAppid ?? null,
    ...fields,
  };
}

async function stop(signal) {
  if (stopping) return; // npm and a terminal may both pass the same Ctrl-C on
  stopping = true;
  log('info', 'stopping', { signal, inHand: running.size });
  try {
    await channel.cancel(consumerTag); // no new deliveries
    const timeout = new Promise((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref());
    await Promise.race([Promise.allSettled([...running]), timeout]);
    await channel.close(); // whatever is still unacked goes back to the queue
    await connection.close();
  } catch (error) {
    log('warn', 'unclean stop', { error: String(error) });
  }
  log('info', 'stopped');
}
