import { sleep, startWechatSimProcess, uniqueRunId, waitUntil, type SimProcess } from '@wxop/testing';

import {
  countersOf,
  createDatabase,
  deleteTokenBrokerObjects,
  publishRawPush,
  startReplica,
  ticketPush,
  tokenEnv,
  type Replica,
  type SimPlatform,
} from './token-test.util';

const C = 'cgi-bin/component';

interface TicketDetails {
  state: string;
  errcode?: number;
  ageSeconds?: number;
}

interface Ready {
  status: string;
  details: { componentTickets?: { status: string; components: Record<string, TicketDetails> } };
}

/**
 * The token service when WeChat will not give it a component token: a ticket WeChat refuses
 * (61006, as for a ticket it never issued) and a WeChat that answers -1 for half a minute. Two
 * replicas pass over the component every 250 ms, as in production they pass every second; the
 * simulator's counters show what reached WeChat.
 */
describe('component ticket refused or WeChat failing (wechat-sim + token replicas)', () => {
  let sim: SimProcess;

  beforeAll(async () => {
    sim = await startWechatSimProcess();
  });

  afterAll(async () => {
    await sim?.stop();
  });

  /** A platform whose ticket pushes run (so api_start_push_ticket answers `in a normal state`) and two replicas. */
  async function setUp() {
    const namespace = `${uniqueRunId()}.`;
    const platform = await sim.control<SimPlatform>('POST', '/platforms', {});
    const database = await createDatabase();
    const env = tokenEnv(sim, database, {
      WECHAT_COMPONENT_APPID: platform.appid,
      WECHAT_COMPONENT_SECRET: platform.secret,
      WECHAT_COMPONENT_TOKEN: platform.token,
      WECHAT_COMPONENT_ENCODING_AES_KEY: platform.encodingAESKey,
      TOKEN_READ_CACHE_MS: '200',
    });
    const replicas: Replica[] = [];
    for (const id of ['replica-a', 'replica-b']) replicas.push(await startReplica(id, namespace, env));
    const calls = async (endpoint: string) =>
      (await countersOf(sim, `${C}/${endpoint}`)).get(platform.appid)?.calls ?? 0;
    const injectedFaults = async () =>
      (await countersOf(sim, `${C}/api_component_token`)).get('injected-fault')?.calls ?? 0;
    const ticketOf = async (replica: Replica) => {
      const response = await fetch(`${replica.url}/health/ready`);
      const body = (await response.json()) as Ready;
      return { status: response.status, ticket: body.details.componentTickets?.components[platform.appid] };
    };
    const readToken = (replica: Replica) =>
      replica.get<{ accessToken?: string; message?: string }>(
        `/v1/components/${platform.appid}/access-token`,
      );
    const pushFreshTicket = async () => {
      await sim.control('POST', `/platforms/${platform.appid}/tickets`);
      const { currentTicket } = await sim.control<SimPlatform>('GET', `/platforms/${platform.appid}`);
      await publishRawPush(namespace, platform.appid, ticketPush(platform.appid, currentTicket!));
    };
    const tearDown = async () => {
      await Promise.all(replicas.map((replica) => replica.close()));
      await database.drop();
      await deleteTokenBrokerObjects(namespace);
    };
    return {
      namespace,
      platform,
      database,
      env,
      replicas,
      calls,
      injectedFaults,
      ticketOf,
      readToken,
      pushFreshTicket,
      tearDown,
    };
  }

  it('a refused ticket is sent once, api_start_push_ticket is called once (across replicas and a restart), and the next ticket recovers at once', async () => {
    const t = await setUp();
    try {
      // A ticket WeChat never issued: api_component_token answers 61006.
      await publishRawPush(
        t.namespace,
        t.platform.appid,
        ticketPush(t.platform.appid, 'ticket@@@never-issued-by-wechat'),
      );
      await waitUntil(async () => (await t.calls('api_component_token')) >= 1, 10_000, 'api_component_token');
      const refusedAt = Date.now();
      await waitUntil(
        async () => (await t.ticketOf(t.replicas[1]!)).ticket?.state === 'refused',
        5000,
        'the refusal in /health/ready',
      );
      // Readiness stays up (WeChat's refusal is not this replica's fault); the details say why.
      expect(await t.ticketOf(t.replicas[1]!)).toMatchObject({
        status: 200,
        ticket: { state: 'refused', errcode: 61006, ageSeconds: expect.any(Number) },
      });
      // The replica whose health showed it: both are written by the same pass.
      const metrics = await (await fetch(`${t.replicas[1]!.url}/metrics`)).text();
      expect(metrics).toMatch(
        new RegExp(
          `wxop_token_component_ticket_state\\{component="${t.platform.appid}",state="refused"[^}]*\\} 1`,
        ),
      );
      expect(metrics).toMatch(
        new RegExp(
          `wxop_token_component_ticket_refused_errcode\\{component="${t.platform.appid}"[^}]*\\} 61006`,
        ),
      );

      // Callers asking meanwhile are told why, and nothing more reaches WeChat.
      for (let i = 0; i < 10; i++) {
        const read = await t.readToken(t.replicas[i % 2]!);
        expect(read.status).toBe(503);
        expect(read.body.message).toContain('61006');
      }

      // Half-way through, replica a restarts: the refusal and the last api_start_push_ticket are in MySQL.
      await sleep(15_000);
      await t.replicas[0]!.close();
      t.replicas[0] = await startReplica('replica-a-restarted', t.namespace, t.env);
      await sleep(Math.max(0, refusedAt + 30_000 - Date.now()));

      expect(await t.calls('api_component_token')).toBe(1);
      expect(await t.calls('api_start_push_ticket')).toBe(1);
      expect((await t.ticketOf(t.replicas[0]!)).ticket).toMatchObject({ state: 'refused', errcode: 61006 });

      // The next ticket push: a component token within a few seconds, the state back to ok.
      const pushedAt = Date.now();
      await t.pushFreshTicket();
      await waitUntil(
        async () => (await t.readToken(t.replicas[0]!)).status === 200,
        5000,
        'a component token after the fresh ticket',
      );
      expect(Date.now() - pushedAt).toBeLessThan(3000);
      expect(await t.calls('api_component_token')).toBe(2);
      await waitUntil(
        async () => (await t.ticketOf(t.replicas[1]!)).ticket?.state === 'ok',
        5000,
        'the ticket state back to ok',
      );
    } finally {
      await t.tearDown();
    }
  }, 90_000);

  it('WeChat answering -1 for 25 s: the component token is asked for with backoff (5, 10, 20 s), then obtained', async () => {
    const t = await setUp();
    try {
      await sim.control('POST', '/faults', {
        endpoint: `${C}/api_component_token`,
        errcode: -1,
        durationMs: 25_000,
      });
      await t.pushFreshTicket();
      await waitUntil(async () => (await t.injectedFaults()) >= 1, 10_000, 'the first attempt');
      const firstAt = Date.now();
      // Attempts at about 0, 5 and 15 s, the next one 20 s later: never one a pass, whatever the
      // replicas. (Each attempt is one call that the WeChat client repeats at most twice within
      // 0.6 s on -1, so the simulator counts up to three calls an attempt.)
      await sleep(firstAt + 17_500 - Date.now());
      const attempts = await t.injectedFaults();
      expect(attempts).toBeGreaterThanOrEqual(3);
      expect(attempts).toBeLessThanOrEqual(9);
      await sleep(firstAt + 32_000 - Date.now());
      expect(await t.injectedFaults()).toBe(attempts);
      expect((await t.readToken(t.replicas[0]!)).status).toBe(503);
      // Not the ticket's fault: it stays ok, and no api_start_push_ticket is called.
      expect((await t.ticketOf(t.replicas[0]!)).ticket?.state).toBe('ok');
      expect(await t.calls('api_start_push_ticket')).toBe(0);

      await waitUntil(
        async () => (await t.readToken(t.replicas[1]!)).status === 200,
        20_000,
        'a component token once WeChat recovers',
      );
      expect(await t.calls('api_component_token')).toBe(1);
    } finally {
      await sim.control('DELETE', '/faults');
      await t.tearDown();
    }
  }, 90_000);
});
