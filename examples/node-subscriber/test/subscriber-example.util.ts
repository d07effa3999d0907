import { AuthorizerRpcPatterns, type AuthorizationLinkReply, type EventEnvelope } from '@wxop/contracts';
import {
  BrokerProbe,
  authorizeHref,
  confirmForm,
  deleteBrokerObjects,
  drainQueue,
  publishRawTestMessage,
  publishTestEvent,
  startReleaseStack,
  testEnv,
  waitUntil,
  type ReleaseStack,
} from '@wxop/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One sample envelope of each type (libs/contracts), as the contract shapes them. */
const FIXTURES = join(__dirname, '..', '..', '..', 'libs', 'contracts', 'fixtures', 'events');

/** How a subscriber example is run: its README's one command, in its folder. */
export interface SubscriberExample {
  command: string;
  args: string[];
  cwd: string;
  /** The queue it declares by default (SUBSCRIBER_QUEUE), without the namespace. */
  queue: string;
  /** More environment on top of the stack's (e.g. PYTHON). */
  env?: Record<string, string>;
}

/** One line the example printed on stdout for a handled event. */
export interface EventLine {
  type: string;
  id: string;
  componentAppid: string;
  authorizerAppid: string | null;
  duplicate: boolean;
  token?: string;
  tokenLength?: number;
  tokenExpiresAt?: string;
}

/** One line of the example's log (stderr). */
export interface LogLine {
  level: string;
  msg: string;
  pid?: number;
  [field: string]: unknown;
}

/** The example as a child process: its own process group, so a stop reaches it as Ctrl-C would. */
class RunningExample {
  private stdout = '';
  private stderr = '';
  readonly exited: Promise<number | null>;

  constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** The event lines so far (`npm start` adds a banner that is not JSON). */
  get lines(): EventLine[] {
    return this.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as EventLine);
  }

  /** The log lines so far (stderr, JSON). */
  get log(): LogLine[] {
    return this.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  }

  get output(): string {
    return `stdout:\n${this.stdout}\nstderr:\n${this.stderr}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitForLog(msg: string, timeoutMs = 30_000): Promise<LogLine> {
    await waitUntil(
      () => {
        if (!this.running && !this.log.some((line) => line.msg === msg))
          throw new Error(`the example exited before logging ${msg}:\n${this.output}`);
        return this.log.some((line) => line.msg === msg);
      },
      timeoutMs,
      `the example to log ${msg}`,
    );
    return this.log.find((line) => line.msg === msg)!;
  }

  async waitForLines(
    predicate: (line: EventLine) => boolean,
    count = 1,
    timeoutMs = 20_000,
  ): Promise<EventLine[]> {
    await waitUntil(
      () => this.lines.filter(predicate).length >= count,
      timeoutMs,
      `${count} matching line(s)`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${this.output}`);
    });
    return this.lines.filter(predicate);
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) process.kill(-this.child.pid!, signal);
  }
}

/**
 * The behaviour every subscriber example shows, against the real stack (wechat-sim, ingress,
 * token and authorizer as processes, in their own namespace and databases): registers the suite's
 * hooks and tests inside the caller's `describe`. The example is started as its README says, with
 * the environment pointing at the stack.
 */
export function subscriberExampleSuite(example: SubscriberExample): void {
  let stack: ReleaseStack;
  let probe: BrokerProbe;
  let sut: RunningExample;
  let subscriberPid: number;
  let queue: string;
  let authorized: EventEnvelope;

  beforeAll(async () => {
    stack = await startReleaseStack({ authorizer: true, codeRelease: false, prefix: 'examples' });
    queue = stack.namespace + example.queue;
    // What the stack publishes, seen independently of the example (to republish it verbatim).
    probe = await BrokerProbe.bind(['authorization.*'], { namespace: stack.namespace });
    const child = spawn(example.command, example.args, {
      cwd: example.cwd,
      env: {
        ...process.env,
        RABBITMQ_URL: testEnv.rabbitUrl,
        RABBITMQ_NAMESPACE: stack.namespace,
        WXOP_TOKEN_URL: stack.processes.token!.url,
        WXOP_TOKEN_API_KEY: stack.tokenApiKey,
        ...example.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    sut = new RunningExample(child);
    subscriberPid = Number((await sut.waitForLog('listening')).pid);
  });

  afterAll(async () => {
    if (sut?.running) {
      sut.signal('SIGKILL');
      await sut.exited;
    }
    await probe?.close();
    if (queue) await deleteBrokerObjects({ queues: [queue, `${queue}.dlq`] });
    await stack?.stop();
  });

  it('handles a merchant’s authorization once and holds the authorizer’s token', async () => {
    const { appids } = await stack.sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 1,
      type: 'official_account',
    });
    const authorizerAppid = appids[0]!;
    await authorizeOnWechat(stack, authorizerAppid, 'example-customer-42');

    const [line] = await sut.waitForLines(
      (l) => l.type === 'authorization.authorized' && l.authorizerAppid === authorizerAppid,
    );
    authorized = (await probe.waitFor(1, { type: 'authorization.authorized' }))[0]!;
    expect(line).toEqual({
      type: 'authorization.authorized',
      id: authorized.id,
      componentAppid: stack.componentAppid,
      authorizerAppid,
      duplicate: false,
      token: 'ok',
      tokenLength: expect.any(Number),
      tokenExpiresAt: expect.any(String),
    });
    const held = await tokenOf(stack, authorizerAppid);
    expect(line!.tokenLength).toBe(held.accessToken.length);
    // The token service may have refreshed it since the example's read: the same kind of token.
    expect(Math.abs(Date.parse(line!.tokenExpiresAt!) - Date.parse(held.expiresAt))).toBeLessThan(60_000);
    expect(Date.parse(line!.tokenExpiresAt!)).toBeGreaterThan(Date.now());
    // It says it holds the token, never what the token is.
    expect(sut.output).not.toContain(held.accessToken);
    expect(sut.output).not.toContain('accessToken');
  });

  it('reports a redelivered envelope (same id) as a duplicate and does not handle it again', async () => {
    await publishTestEvent(authorized, { namespace: stack.namespace });

    const [duplicate] = await sut.waitForLines((l) => l.id === authorized.id && l.duplicate);
    expect(duplicate).toEqual({
      type: 'authorization.authorized',
      id: authorized.id,
      componentAppid: stack.componentAppid,
      authorizerAppid: authorized.authorizerAppid,
      duplicate: true,
    });
    expect(sut.lines.filter((l) => l.id === authorized.id && !l.duplicate)).toHaveLength(1);
  });

  it('receives release events of every depth (bound with release.#)', async () => {
    const authorizerAppid = authorized.authorizerAppid!;
    const succeeded = releaseEvent(stack, authorizerAppid, 'release.audit.succeeded');
    const released = releaseEvent(stack, authorizerAppid, 'release.released');
    await publishTestEvent(succeeded, { namespace: stack.namespace });
    await publishTestEvent(released, { namespace: stack.namespace });

    const lines = await sut.waitForLines((l) => l.type.startsWith('release.'), 2);
    expect(lines).toEqual(
      [succeeded, released].map((event) => ({
        type: event.type,
        id: event.id,
        componentAppid: stack.componentAppid,
        authorizerAppid,
        duplicate: false,
      })),
    );
  });

  it('dead-letters a message that is not an envelope, and carries on', async () => {
    await publishRawTestMessage('release.audit.failed', Buffer.from('not json'), {
      namespace: stack.namespace,
      messageId: 'poison-1',
    });

    let parked: Awaited<ReturnType<typeof drainQueue>> = [];
    await waitUntil(
      async () => (parked = [...parked, ...(await drainQueue(`${queue}.dlq`))]).length > 0,
      10_000,
      'the poison message in the dead-letter queue',
    );
    expect(parked.map((message) => message.content.toString())).toEqual(['not json']);
    expect(sut.running).toBe(true);
  });

  it('stops cleanly on SIGTERM, leaving its durable queue in place', async () => {
    sut.signal('SIGTERM');

    await sut.waitForLog('stopped', 15_000);
    await waitUntil(() => !alive(subscriberPid), 10_000, 'the subscriber process to exit');
    await sut.exited;
    expect(
      sut.log.filter((line) => line.level === 'error' && line.msg !== 'not an event envelope, dead-lettered'),
    ).toEqual([]);
    // The queue outlives the subscriber: events published while it is down wait for it.
    await publishTestEvent(releaseEvent(stack, authorized.authorizerAppid!, 'release.reverted'), {
      namespace: stack.namespace,
    });
    const waiting = await drainQueue(queue);
    expect(waiting.map((message) => message.properties.type as string)).toEqual(['release.reverted']);
  });
}

/**
 * A merchant authorizes one account as on WeChat: an operator's link (authorizer RPC), our start
 * page, WeChat's page (wechat-sim), "Authorize", and the landing page WeChat redirects to; WeChat
 * pushes `authorized` to ingress meanwhile.
 */
async function authorizeOnWechat(
  stack: ReleaseStack,
  authorizerAppid: string,
  bizRef: string,
): Promise<void> {
  const link = await stack.rpc<AuthorizationLinkReply>(AuthorizerRpcPatterns.CreateLink, {
    componentAppid: stack.componentAppid,
    kind: 'pc',
    bizRef,
  });
  const start = await fetch(link.startUrl);
  const wechatPage = await fetch(authorizeHref(await start.text()));
  const confirmed = await fetch(`${stack.sim.url}/cgi-bin/componentloginpage/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: confirmForm(await wechatPage.text(), authorizerAppid).toString(),
    redirect: 'manual',
  });
  const landing = await fetch(confirmed.headers.get('location')!);
  if (landing.status !== 200) throw new Error(`the landing page answered ${landing.status}`);
}

async function tokenOf(
  stack: ReleaseStack,
  authorizerAppid: string,
): Promise<{ accessToken: string; expiresAt: string }> {
  const response = await fetch(
    `${stack.processes.token!.url}/v1/components/${stack.componentAppid}/authorizers/${authorizerAppid}/access-token`,
    { headers: { authorization: `Bearer ${stack.tokenApiKey}` } },
  );
  if (!response.ok) throw new Error(`the token API answered ${response.status}`);
  return (await response.json()) as { accessToken: string; expiresAt: string };
}

/** A release event as code-release publishes it: the contract's fixture, made new and ours. */
function releaseEvent(stack: ReleaseStack, authorizerAppid: string, type: string): EventEnvelope {
  const fixture = JSON.parse(readFileSync(join(FIXTURES, `${type}.json`), 'utf8')) as EventEnvelope;
  return {
    ...fixture,
    id: randomUUID(),
    occurredAt: new Date().toISOString(),
    componentAppid: stack.componentAppid,
    authorizerAppid,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
