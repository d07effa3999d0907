import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';

import {
  assertValidEnvelope,
  createEnvelope,
  deadLetterQueueOf,
  DomainEventTypes,
  EVENTS_EXCHANGE,
  QueueNames,
  retryQueueOf,
  type EventEnvelope,
} from '@wxop/contracts';
import {
  createAdminUser,
  createTestDatabase,
  databaseEnv,
  deleteNamespaceObjects,
  freePort,
  publishTestEvent,
  startAppProcess,
  testEnv,
  uniqueRunId,
  waitUntil,
  type AppProcess,
  type TestDatabase,
} from '@wxop/testing';

const RECEIVER_DIR = join(__dirname, '..');
const PATH = '/webhooks/wxop';

/** One line the receiver printed on stdout. */
interface ReceiverLine {
  msg?: string;
  outcome?: 'accepted' | 'duplicate' | 'rejected';
  status?: number;
  reason?: string;
  header?: string;
  eventId?: string;
  type?: string;
  secret?: 'current' | 'previous';
  signatures?: number;
  test?: boolean;
}

/** The receiver as its README runs it: `npm start` in examples/webhook-receiver, configured by environment. */
class ReceiverProcess {
  readonly lines: ReceiverLine[] = [];
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      pending += chunk.toString('utf8');
      const complete = pending.split('\n');
      pending = complete.pop()!;
      // npm's own banner ("> wxop-webhook-receiver@1.0.0 start") is not JSON: skipped.
      for (const line of complete)
        if (line.startsWith('{')) this.lines.push(JSON.parse(line) as ReceiverLine);
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
  }

  static async start(env: Record<string, string>): Promise<ReceiverProcess> {
    const port = Number(env['PORT']);
    // Its own process group, so stopping it stops npm and the node it started.
    const child = spawn('npm', ['start'], {
      cwd: RECEIVER_DIR,
      env: { ...process.env, HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const receiver = new ReceiverProcess(child, port);
    await waitUntil(
      () => {
        if (child.exitCode !== null) throw new Error(`the receiver exited:\n${receiver.output}`);
        return receiver.lines.some((line) => line.msg === 'listening');
      },
      15_000,
      'the receiver to listen',
    );
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}${PATH}`;
  }

  outcomes(): ReceiverLine[] {
    return this.lines.filter((line) => line.outcome !== undefined);
  }

  /** The outcome line that satisfies `predicate`, once the receiver has printed it. */
  async line(
    predicate: (line: ReceiverLine) => boolean,
    what: string,
    timeoutMs = 5_000,
  ): Promise<ReceiverLine> {
    await waitUntil(() => this.outcomes().some(predicate), timeoutMs, what);
    return this.outcomes().find(predicate)!;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const group = -child.pid!;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => process.kill(group, 'SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      process.kill(group, 'SIGTERM');
    });
  }
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The test's own signature, as CONTRACT.md §4 defines it (not the receiver's code, not admin-api's). */
const sign = (secret: string, timestamp: number, body: string) =>
  `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

function sampleEnvelope(type: string = DomainEventTypes.TokenAuthorizerIssued): EventEnvelope {
  return createEnvelope(
    type,
    { funcInfo: [17, 18], source: 'auth_code' },
    { componentAppid: 'wx1234567890abcdef', authorizerAppid: 'wxfedcba0987654321' },
  );
}

interface Delivery {
  body: string;
  headers: Record<string, string>;
}

/** A request as wxop's forwarding sends it, signed here by the secrets given (two: a rotation). */
function delivery(
  envelope: EventEnvelope,
  secrets: string[],
  options: { timestamp?: number; body?: string } = {},
): Delivery {
  const body = options.body ?? JSON.stringify(envelope);
  const timestamp = options.timestamp ?? nowSeconds();
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-wxop-event-id': envelope.id,
      'x-wxop-event-type': envelope.type,
      'x-wxop-timestamp': String(timestamp),
      'x-wxop-signature': secrets.map((secret) => sign(secret, timestamp, body)).join(' '),
    },
  };
}

async function post(url: string, { body, headers }: Delivery): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: await response.json() };
}

/**
 * A POST of `size` bytes by node:http, declared up front (Content-Length) or streamed (chunked);
 * answers the status. The receiver answers 413 without reading the rest and closes the
 * connection, so a write error after the answer is expected and ignored.
 */
function postLarge(
  url: string,
  headers: Record<string, string>,
  size: number,
  chunked: boolean,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      headers: chunked ? headers : { ...headers, 'content-length': String(size) },
    });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode!);
    });
    request.on('error', (error) => setTimeout(() => reject(error), 1_000));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    for (let sent = 0; sent < size; sent += chunk.length) request.write(chunk.subarray(0, size - sent));
    request.end();
  });
}

describe('examples/webhook-receiver - hand-signed requests', () => {
  const secret = newSecret();
  const previous = newSecret();
  const current = newSecret();
  let single: ReceiverProcess;
  let rotating: ReceiverProcess;
  let singleRequests = 0;

  beforeAll(async () => {
    [single, rotating] = await Promise.all([
      ReceiverProcess.start({ PORT: String(await freePort()), WEBHOOK_SECRET: secret }),
      ReceiverProcess.start({
        PORT: String(await freePort()),
        WEBHOOK_SECRET: current,
        WEBHOOK_PREVIOUS_SECRET: previous,
        WEBHOOK_TOLERANCE_SECONDS: '60',
        WEBHOOK_SEEN_EVENTS: '3',
      }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([single?.stop(), rotating?.stop()]);
  });

  const postSingle = (request: Delivery) => {
    singleRequests++;
    return post(single.url, request);
  };

  it('accepts a signed event, then answers its duplicate 200 without handling it again', async () => {
    const envelope = sampleEnvelope();
    const first = await postSingle(delivery(envelope, [secret]));
    expect(first).toEqual({ status: 200, body: { outcome: 'accepted' } });
    // wxop retries with a new timestamp and signature: the same event all the same.
    const again = await postSingle(delivery(envelope, [secret], { timestamp: nowSeconds() - 10 }));
    expect(again).toEqual({ status: 200, body: { outcome: 'duplicate' } });

    await single.line(
      (line) => line.eventId === envelope.id && line.outcome === 'duplicate',
      'the duplicate',
    );
    expect(single.outcomes().filter((line) => line.eventId === envelope.id)).toEqual([
      expect.objectContaining({
        outcome: 'accepted',
        status: 200,
        type: envelope.type,
        secret: 'current',
        signatures: 1,
        test: false,
      }),
      expect.objectContaining({ outcome: 'duplicate', status: 200 }),
    ]);
  });

  it.each(['x-wxop-event-id', 'x-wxop-event-type', 'x-wxop-timestamp', 'x-wxop-signature'])(
    'refuses a request without %s (400)',
    async (header) => {
      const request = delivery(sampleEnvelope(), [secret]);
      delete request.headers[header];
      const answer = await postSingle(request);
      expect(answer).toEqual({ status: 400, body: { error: 'missing_header' } });
      const line = await single.line(
        (l) => l.reason === 'missing_header' && l.header === header,
        'the refusal',
      );
      expect(line).toMatchObject({ outcome: 'rejected', status: 400, reason: 'missing_header', header });
    },
  );

  it.each([
    ['x-wxop-timestamp', 'yesterday'],
    ['x-wxop-timestamp', '1.5e9'],
    ['x-wxop-signature', 'sha256=abc'],
    ['x-wxop-signature', 'v1=not-hex'],
    ['x-wxop-signature', 'v1=abcd'],
    ['x-wxop-event-id', '../../etc/passwd'],
  ])('refuses a malformed %s %j (400)', async (header, value) => {
    const envelope = sampleEnvelope();
    const request = delivery(envelope, [secret]);
    request.headers[header] = value;
    expect(await postSingle(request)).toEqual({ status: 400, body: { error: 'malformed_header' } });
    const line = await single.line(
      (l) =>
        l.reason === 'malformed_header' &&
        l.header === header &&
        (l.eventId === envelope.id || l.eventId === value),
      'the refusal',
    );
    expect(line.status).toBe(400);
  });

  it('refuses a signature made with another secret, or over another body (401)', async () => {
    const envelope = sampleEnvelope();
    expect(await postSingle(delivery(envelope, [newSecret()]))).toEqual({
      status: 401,
      body: { error: 'bad_signature' },
    });
    const signedOther = delivery(envelope, [secret]);
    const tampered = { ...signedOther, body: signedOther.body.replace('auth_code', 'sync') };
    expect(await postSingle(tampered)).toEqual({ status: 401, body: { error: 'bad_signature' } });
    await waitUntil(
      () =>
        single.outcomes().filter((l) => l.eventId === envelope.id && l.reason === 'bad_signature').length ===
        2,
      5_000,
      'two bad_signature lines',
    );
  });

  it('refuses a timestamp more than 5 minutes from now, past or future, even correctly signed (401)', async () => {
    // 310, not 301: the receiver's clock runs on while the request travels (a fraction of a second).
    for (const offset of [-310, 310, -3600]) {
      const envelope = sampleEnvelope();
      const answer = await postSingle(delivery(envelope, [secret], { timestamp: nowSeconds() + offset }));
      expect({ offset, ...answer }).toEqual({
        offset,
        status: 401,
        body: { error: 'timestamp_out_of_tolerance' },
      });
    }
    // Inside the window (a sender's clock 4 minutes behind): accepted.
    const late = await postSingle(delivery(sampleEnvelope(), [secret], { timestamp: nowSeconds() - 240 }));
    expect(late.status).toBe(200);
  });

  it('refuses headers that name another event than the signed body (400), so a replay cannot dodge the dedupe', async () => {
    const envelope = sampleEnvelope();
    const request = delivery(envelope, [secret]);
    request.headers['x-wxop-event-id'] = randomUUID();
    expect(await postSingle(request)).toEqual({ status: 400, body: { error: 'headers_do_not_match_body' } });
  });

  it('refuses a body over the size limit, declared or streamed (413)', async () => {
    const { headers } = delivery(sampleEnvelope(), [secret]);
    const over = 1024 * 1024 + 1;
    singleRequests += 2;
    expect(await postLarge(single.url, headers, over, false)).toBe(413);
    expect(await postLarge(single.url, headers, over, true)).toBe(413);
    await waitUntil(
      () => single.outcomes().filter((l) => l.reason === 'body_too_large').length === 2,
      5_000,
      'two body_too_large lines',
    );
    expect(single.outcomes().filter((l) => l.reason === 'body_too_large')).toEqual([
      expect.objectContaining({ outcome: 'rejected', status: 413 }),
      expect.objectContaining({ outcome: 'rejected', status: 413 }),
    ]);
  });

  it('prints exactly one JSON outcome line per request', async () => {
    await waitUntil(() => single.outcomes().length >= singleRequests, 5_000, 'a line per request');
    expect(single.outcomes()).toHaveLength(singleRequests);
  });

  it('with two secrets (a rotation), accepts a signature by either, and two signatures of which one matches', async () => {
    const byPrevious = sampleEnvelope();
    expect(await post(rotating.url, delivery(byPrevious, [previous]))).toEqual({
      status: 200,
      body: { outcome: 'accepted' },
    });
    const byBoth = sampleEnvelope();
    expect((await post(rotating.url, delivery(byBoth, [current, previous]))).status).toBe(200);
    const oneUnknown = sampleEnvelope();
    expect((await post(rotating.url, delivery(oneUnknown, [newSecret(), current]))).status).toBe(200);
    const neither = sampleEnvelope();
    expect(await post(rotating.url, delivery(neither, [newSecret(), newSecret()]))).toEqual({
      status: 401,
      body: { error: 'bad_signature' },
    });

    await rotating.line((l) => l.eventId === neither.id, 'the last refusal');
    const of = (envelope: EventEnvelope) => rotating.outcomes().find((l) => l.eventId === envelope.id);
    expect(of(byPrevious)).toMatchObject({ outcome: 'accepted', secret: 'previous', signatures: 1 });
    expect(of(byBoth)).toMatchObject({ outcome: 'accepted', secret: 'current', signatures: 2 });
    expect(of(oneUnknown)).toMatchObject({ outcome: 'accepted', secret: 'current', signatures: 2 });
    expect(of(neither)).toMatchObject({ outcome: 'rejected', reason: 'bad_signature' });
  });

  it('answers 404 off its path, 405 to another method, and 200 on GET /health', async () => {
    const base = `http://127.0.0.1:${rotating.port}`;
    expect((await fetch(`${base}/elsewhere`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(rotating.url)).status).toBe(405);
    const health = await fetch(`${base}/health`);
    expect({ status: health.status, body: await health.json() }).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
  });

  it('honours WEBHOOK_TOLERANCE_SECONDS (60 here)', async () => {
    const answer = await post(
      rotating.url,
      delivery(sampleEnvelope(), [current], { timestamp: nowSeconds() - 90 }),
    );
    expect(answer).toEqual({ status: 401, body: { error: 'timestamp_out_of_tolerance' } });
  });

  it('keeps at most WEBHOOK_SEEN_EVENTS ids (3 here): memory stays bounded, the oldest id is forgotten', async () => {
    const envelopes = Array.from({ length: 4 }, () => sampleEnvelope());
    for (const envelope of envelopes) await post(rotating.url, delivery(envelope, [current]));
    // The newest three are still known…
    expect((await post(rotating.url, delivery(envelopes[3]!, [current]))).body).toEqual({
      outcome: 'duplicate',
    });
    // …the first was pushed out by the three after it.
    expect((await post(rotating.url, delivery(envelopes[0]!, [current]))).body).toEqual({
      outcome: 'accepted',
    });
  });
});

/** The queues and exchanges admin-api declares in its namespace (the rest are found by rabbitmqctl). */
const namespaceObjects = {
  queues: [
    QueueNames.AdminApiForwarding,
    QueueNames.AdminApiForwardingDeliveries,
    QueueNames.AdminApiPushLog,
  ].flatMap((queue) => [queue, retryQueueOf(queue), deadLetterQueueOf(queue)]),
  exchanges: [EVENTS_EXCHANGE, 'wxop.rpc', 'wxop.retry'],
};

describe('examples/webhook-receiver - behind the real admin-api forwarding', () => {
  const COMPONENT = 'wx1234567890abcdef';
  const AUTHORIZER = 'wxfedcba0987654321';
  const namespace = `${uniqueRunId()}.`;
  let database: TestDatabase;
  let api: AppProcess;
  let token: string;
  let receiver: ReceiverProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase({ prefix: 'examples_webhook', migrations: [] });
    const port = await freePort();
    // What apps/admin-api/test/admin-test.util.ts startAdminApi sets, with loopback targets allowed.
    const env: Record<string, string> = {
      ...databaseEnv(database),
      RABBITMQ_URL: testEnv.rabbitUrl,
      RABBITMQ_NAMESPACE: namespace,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      ADMIN_API_HTTP_HOST: '127.0.0.1',
      ADMIN_API_HTTP_PORT: String(port),
      ADMIN_API_JWT_SECRET: `examples-jwt-${randomBytes(24).toString('hex')}`,
      SECRETS_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      SECRETS_CURRENT_KEY_ID: 'k1',
      ADMIN_API_FORWARDING_ALLOWED_CIDRS: '127.0.0.1/32',
      ADMIN_API_FORWARDING_TIMEOUT_MS: '2000',
      RABBITMQ_RETRY_INITIAL_DELAY_MS: '200',
      RABBITMQ_RETRY_MAX_DELAY_MS: '1000',
    };
    // admin-api applies its migrations on start; the CLI then finds the users table.
    api = await startAppProcess({ app: 'admin-api', port, env });
    const admin = {
      username: `admin-${randomBytes(4).toString('hex')}`,
      password: `pw-${randomBytes(12).toString('base64url')}`,
    };
    await createAdminUser(env, 'admin', admin);
    const login = await call<{ accessToken: string }>('POST', '/auth/login', admin);
    expect(login.status).toBe(200);
    token = login.body.accessToken;
  });

  afterAll(async () => {
    await receiver?.stop();
    await api?.stop();
    await database?.drop();
    await deleteNamespaceObjects(namespace, namespaceObjects).catch(() => undefined);
  });

  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${api.url}/admin/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** A domain event as the token service publishes it, checked against the contract first. */
  async function publishIssued(): Promise<EventEnvelope> {
    const envelope = assertValidEnvelope(
      createEnvelope(
        DomainEventTypes.TokenAuthorizerIssued,
        { funcInfo: [17, 18, 19], source: 'auth_code' },
        { componentAppid: COMPONENT, authorizerAppid: AUTHORIZER },
      ),
    );
    await publishTestEvent(envelope, { namespace });
    return envelope;
  }

  it('accepts what admin-api forwards, signed with the rule secret; during a rotation, with both secrets configured', async () => {
    const port = await freePort();
    const created = await call<{ rule: { id: string; bindingsPending?: boolean }; secret: string }>(
      'POST',
      '/forwarding/rules',
      {
        name: 'webhook-receiver example',
        eventPattern: 'token.authorizer.*',
        componentAppid: COMPONENT,
        targetUrl: `http://127.0.0.1:${port}${PATH}`,
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.rule.bindingsPending).toBeFalsy();
    const ruleId = created.body.rule.id;
    const original = created.body.secret;

    // 1. One secret, one signature.
    receiver = await ReceiverProcess.start({ PORT: String(port), WEBHOOK_SECRET: original });
    const first = await publishIssued();
    expect(
      await receiver.line(
        (l) => l.eventId === first.id && l.outcome === 'accepted',
        'the forwarded event',
        20_000,
      ),
    ).toMatchObject({
      type: DomainEventTypes.TokenAuthorizerIssued,
      secret: 'current',
      signatures: 1,
      status: 200,
    });

    // 2. Rotation: admin-api signs with the new and the previous secret for the overlap; the
    // receiver is redeployed holding both (the new one as WEBHOOK_SECRET).
    const rotated = await call<{ secret: string }>('POST', `/forwarding/rules/${ruleId}/secret/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(original);
    await receiver.stop();
    receiver = await ReceiverProcess.start({
      PORT: String(port),
      WEBHOOK_SECRET: rotated.body.secret,
      WEBHOOK_PREVIOUS_SECRET: original,
    });
    const second = await publishIssued();
    expect(
      await receiver.line(
        (l) => l.eventId === second.id && l.outcome === 'accepted',
        'the event after rotation',
        20_000,
      ),
    ).toMatchObject({ secret: 'current', signatures: 2 });

    // 3. The first event delivered again (an operator's retry, as any redelivery): a duplicate, answered 200.
    // admin-api records the outcome just after the answer (its log is written in batches).
    type DeliveryPage = { items: { id: string; eventId: string; state: string }[] };
    let deliveries: DeliveryPage['items'] = [];
    await waitUntil(
      async () => {
        deliveries = (await call<DeliveryPage>('GET', `/forwarding/rules/${ruleId}/deliveries?limit=10`)).body
          .items;
        return deliveries.length === 2 && deliveries.every((item) => item.state === 'delivered');
      },
      10_000,
      'both deliveries recorded as delivered',
    );
    const firstDelivery = deliveries.find((item) => item.eventId === first.id)!;
    // The restarted receiver has not seen it: its memory is per process (README: keep ids in your database).
    const retried = await call('POST', `/forwarding/rules/${ruleId}/deliveries/${firstDelivery.id}/retry`);
    expect(retried.status).toBe(202);
    await receiver.line((l) => l.eventId === first.id, 'the redelivery', 20_000);
    const retriedAgain = await call(
      'POST',
      `/forwarding/rules/${ruleId}/deliveries/${firstDelivery.id}/retry`,
    );
    expect(retriedAgain.status).toBe(202);
    await receiver.line((l) => l.eventId === first.id && l.outcome === 'duplicate', 'the duplicate', 20_000);
    expect(
      receiver
        .outcomes()
        .filter((l) => l.eventId === first.id)
        .map((l) => l.outcome),
    ).toEqual(['accepted', 'duplicate']);
    expect(receiver.outcomes().filter((l) => l.outcome === 'rejected')).toEqual([]);
  });
});
