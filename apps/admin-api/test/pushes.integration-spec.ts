import { randomUUID } from 'node:crypto';

import { createEnvelope, QueueNames, type EventEnvelope } from '@wxop/contracts';
import {
  BrokerProbe,
  deleteBrokerObjects,
  publishRawTestMessage,
  publishTestEvent,
  testEnv,
  waitUntil,
} from '@wxop/testing';

import { DeadLettersService } from '../src/dead-letters/dead-letters.service';
import { PushLogRepository } from '../src/pushes/push-log.repository';
import { PushStatsService } from '../src/pushes/push-stats.service';
import type { AdminApiConfig } from '../src/config/admin-api.config';
import type { ResolvedMessagingOptions } from '@wxop/messaging';
import { adminCall, loginAs, startAdminApi, type AdminApiProcess } from './admin-test.util';

const COMPONENT = 'wxcomponent000pushes';
const AUTHORIZER = 'wxauthorizer00pushes';
const TICKET = 'ticket@@@SecretTicketValue0123456789';

interface PushSummary {
  id: number;
  eventId: string;
  type: string;
  replayOf: string | null;
  secretsHashed: boolean;
  fields: Record<string, unknown>;
}
interface PushPage {
  items: PushSummary[];
  nextCursor?: string;
}

function rawPush(type: string, fields: Record<string, string>, authorizer = true): EventEnvelope {
  const xml = `<xml>${Object.entries(fields)
    .map(([name, value]) => `<${name}><![CDATA[${value}]]></${name}>`)
    .join('')}</xml>`;
  return createEnvelope(
    type,
    { ...fields, raw: xml },
    { componentAppid: COMPONENT, authorizerAppid: authorizer ? AUTHORIZER : undefined },
  );
}

describe('Push log and dead letters - /admin/v1/pushes, /admin/v1/dead-letters', () => {
  let api: AdminApiProcess;
  let viewer: string;
  let operator: string;
  const ticketPush = rawPush(
    'wechat.component.component_verify_ticket',
    {
      AppId: COMPONENT,
      CreateTime: '1764000000',
      InfoType: 'component_verify_ticket',
      ComponentVerifyTicket: TICKET,
    },
    false,
  );
  const textPush = rawPush('wechat.message.text', {
    ToUserName: 'gh_pushes',
    FromUserName: 'openid-1',
    CreateTime: '1764000001',
    MsgType: 'text',
    Content: '你好，世界 hello',
  });
  const eventPush = rawPush('wechat.message.event.weapp_audit_success', {
    ToUserName: 'gh_pushes',
    FromUserName: 'openid-2',
    CreateTime: '1764000002',
    MsgType: 'event',
    Event: 'weapp_audit_success',
  });

  beforeAll(async () => {
    api = await startAdminApi({
      env: { ADMIN_API_PUSH_PURGE_INTERVAL_SECONDS: '1', ADMIN_API_PUSH_TEXT_SCAN_ROWS: '100' },
    });
    viewer = await loginAs(api.url, 'viewer');
    operator = await loginAs(api.url, 'operator');
    for (const push of [ticketPush, textPush, eventPush]) {
      await publishTestEvent(push, { namespace: api.namespace });
    }
    // A redelivery of the same envelope is stored once.
    await publishTestEvent(textPush, { namespace: api.namespace });
    await waitUntil(
      async () =>
        (
          await adminCall<PushPage>(api.url, 'GET', `/admin/v1/pushes?componentAppid=${COMPONENT}`, {
            token: viewer,
          })
        ).body.items?.length === 3,
      20_000,
      'three pushes in the push log',
    );
  });

  afterAll(async () => {
    const namespace = api.namespace;
    await api.close();
    const queue = namespace + QueueNames.AdminApiPushLog;
    await deleteBrokerObjects({ queues: [queue, `${queue}.retry`, `${queue}.dlq`] }).catch(() => undefined);
  });

  it('stores each push once, newest first, with its fields', async () => {
    const { status, body } = await adminCall<PushPage>(
      api.url,
      'GET',
      `/admin/v1/pushes?componentAppid=${COMPONENT}`,
      {
        token: viewer,
      },
    );
    expect(status).toBe(200);
    expect(body.items.map((push) => push.eventId)).toEqual([eventPush.id, textPush.id, ticketPush.id]);
    expect(body.items[1]!.fields['Content']).toBe('你好，世界 hello');
  });

  it('keeps a ticket only as hash and prefix, in the fields, the raw XML and the table', async () => {
    const list = await adminCall<PushPage>(api.url, 'GET', '/admin/v1/pushes?type=wechat.component.*', {
      token: viewer,
    });
    const stored = list.body.items[0]!;
    expect(stored.eventId).toBe(ticketPush.id);
    expect(stored.secretsHashed).toBe(true);
    expect(String(stored.fields['ComponentVerifyTicket'])).toMatch(/^sha256:[0-9a-f]{64} prefix:ticket$/);
    const detail = await adminCall<{ rawXml: string }>(api.url, 'GET', `/admin/v1/pushes/${stored.id}`, {
      token: viewer,
    });
    expect(detail.status).toBe(200);
    expect(detail.body.rawXml).toContain('<ComponentVerifyTicket><![CDATA[sha256:');
    expect(detail.body.rawXml).not.toContain('SecretTicketValue');
    const rows = (await api.database.dataSource.query(
      `SELECT CONCAT(fields, raw_xml, search_text) AS everything FROM admin_push_log`,
    )) as { everything: string }[];
    expect(rows.some((row) => row.everything.includes('SecretTicketValue'))).toBe(false);
  });

  it('searches by type prefix, authorizer, Chinese text, and pages with a cursor', async () => {
    const get = async (query: string) =>
      (await adminCall<PushPage>(api.url, 'GET', `/admin/v1/pushes?${query}`, { token: viewer })).body;
    expect((await get('type=wechat.message.*')).items.map((p) => p.eventId)).toEqual([
      eventPush.id,
      textPush.id,
    ]);
    expect((await get(`authorizerAppid=${AUTHORIZER}`)).items).toHaveLength(2);
    expect((await get(`text=${encodeURIComponent('世界')}`)).items.map((p) => p.eventId)).toEqual([
      textPush.id,
    ]);
    expect((await get('text=HELLO')).items.map((p) => p.eventId)).toEqual([textPush.id]);
    expect((await get('text=nowhere')).items).toEqual([]);
    const first = await get(`componentAppid=${COMPONENT}&limit=2`);
    expect(first.items).toHaveLength(2);
    const second = await get(`componentAppid=${COMPONENT}&limit=2&cursor=${first.nextCursor!}`);
    expect(second.items.map((p) => p.eventId)).toEqual([ticketPush.id]);
    expect(second.nextCursor).toBeUndefined();
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await get(`from=${future}`)).items).toEqual([]);
    const bad = await adminCall<{ error: string }>(api.url, 'GET', '/admin/v1/pushes?cursor=bogus', {
      token: viewer,
    });
    expect([bad.status, bad.body.error]).toEqual([400, 'invalid_cursor']);
  });

  it('finds the push of an envelope id from the bus (in capitals too), with other filters and text', async () => {
    const get = (query: string) =>
      adminCall<PushPage & { scanLimited?: boolean }>(api.url, 'GET', `/admin/v1/pushes?${query}`, {
        token: viewer,
      });
    const found = await get(`eventId=${textPush.id}`);
    expect(found.status).toBe(200);
    expect(found.body.items.map((push) => push.eventId)).toEqual([textPush.id]);
    expect(found.body.nextCursor).toBeUndefined();
    expect((await get(`eventId=${textPush.id.toUpperCase()}`)).body.items.map((p) => p.id)).toEqual([
      found.body.items[0]!.id,
    ]);
    // The filters combine: another type, or text it does not hold, finds nothing.
    expect((await get(`eventId=${textPush.id}&type=wechat.component.*`)).body.items).toEqual([]);
    expect((await get(`eventId=${textPush.id}&text=${encodeURIComponent('世界')}`)).body.items).toHaveLength(
      1,
    );
    const none = await get(`eventId=${randomUUID()}&text=hello`);
    expect([none.body.items, none.body.nextCursor, none.body.scanLimited]).toEqual([
      [],
      undefined,
      undefined,
    ]);
    const bad = await adminCall<{ error: string; details: { fields: { field: string }[] } }>(
      api.url,
      'GET',
      '/admin/v1/pushes?eventId=not-an-id',
      { token: viewer },
    );
    expect([bad.status, bad.body.error, bad.body.details.fields[0]?.field]).toEqual([
      400,
      'validation_failed',
      'eventId',
    ]);
  });

  it('Replay a push - /admin/v1/pushes/:id/replay (POST): a subscriber receives a new id with replayOf, audited', async () => {
    const probe = await BrokerProbe.bind(['wechat.message.text'], { namespace: api.namespace });
    try {
      const list = await adminCall<PushPage>(api.url, 'GET', '/admin/v1/pushes?type=wechat.message.text', {
        token: viewer,
      });
      const original = list.body.items[0]!;
      const refused = await adminCall(api.url, 'POST', `/admin/v1/pushes/${original.id}/replay`, {
        token: viewer,
      });
      expect(refused.status).toBe(403);

      const replay = await adminCall<{ eventId: string; replayOf: string }>(
        api.url,
        'POST',
        `/admin/v1/pushes/${original.id}/replay`,
        { token: operator },
      );
      expect(replay.status).toBe(202);
      const [received] = await probe.waitFor(1, { type: 'wechat.message.text' });
      expect(received!.id).toBe(replay.body.eventId);
      expect(received!.id).not.toBe(textPush.id);
      expect(received!.replayOf).toBe(textPush.id);
      expect(received!.data).toEqual(textPush.data);
      expect(probe.messages[0]!.properties.headers?.['x-wxop-replay-of']).toBe(textPush.id);

      // The push log's own inbox keeps the replay (a new id): stored as a second row naming its original.
      await waitUntil(
        async () =>
          (
            await adminCall<PushPage>(api.url, 'GET', '/admin/v1/pushes?type=wechat.message.text', {
              token: viewer,
            })
          ).body.items.some((push) => push.replayOf === textPush.id),
        10_000,
        'the replay in the push log',
      );
      const audit = await adminCall<{ items: { action: string; target: string | null; outcome: string }[] }>(
        api.url,
        'GET',
        '/admin/v1/audit-log?action=pushes.replay',
        { token: viewer },
      );
      expect(audit.body.items.map((entry) => entry.outcome)).toEqual(
        expect.arrayContaining(['success', 'failure']),
      );
    } finally {
      await probe.close();
    }
  });

  it('refuses to replay a push whose ticket is kept only hashed, and answers 404 for an unknown push', async () => {
    const list = await adminCall<PushPage>(api.url, 'GET', '/admin/v1/pushes?type=wechat.component.*', {
      token: viewer,
    });
    const refused = await adminCall<{ error: string }>(
      api.url,
      'POST',
      `/admin/v1/pushes/${list.body.items[0]!.id}/replay`,
      {
        token: operator,
      },
    );
    expect([refused.status, refused.body.error]).toEqual([409, 'push_not_replayable']);
    const missing = await adminCall<{ error: string }>(api.url, 'GET', '/admin/v1/pushes/999999', {
      token: viewer,
    });
    expect([missing.status, missing.body.error]).toEqual([404, 'push_not_found']);
  });

  it('counts pushes per minute and type for the dashboard', async () => {
    const sut = new PushStatsService(new PushLogRepository(api.database.dataSource));
    const counts = await sut.perMinuteByType(60);
    const total = (type: string) =>
      counts.filter((row) => row.type === type).reduce((sum, row) => sum + row.count, 0);
    expect(total('wechat.component.component_verify_ticket')).toBe(1);
    expect(total('wechat.message.event.weapp_audit_success')).toBe(1);
    expect(counts.every((row) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/.test(row.minute))).toBe(true);
    expect(await sut.perMinuteByType(60, new Date(Date.now() + 3 * 3_600_000))).toEqual([]);
  });

  it('Text search scans a bounded window per page and continues below it (ADR 0017)', async () => {
    const insert = (eventId: string, text: string) =>
      api.database.dataSource.query(
        `INSERT INTO admin_push_log (event_id, type, component_appid, occurred_at, received_at, fields, search_text)
         VALUES (?, 'wechat.message.text', 'wxscanwindow', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), ?, ?)`,
        [eventId, JSON.stringify({ Content: text }), text],
      );
    // The oldest of 251 pushes holds the rare term; the window is 100 pushes.
    await insert(randomUUID(), '退款申请 scanneedle');
    for (let i = 0; i < 250; i++) await insert(randomUUID(), `filler ${i} 你好`);
    const pages: PushPage[] = [];
    let cursor: string | undefined;
    do {
      const page = await adminCall<PushPage & { scanLimited?: boolean }>(
        api.url,
        'GET',
        `/admin/v1/pushes?limit=10&text=${encodeURIComponent('退款申请')}${cursor ? `&cursor=${cursor}` : ''}`,
        { token: viewer },
      );
      expect(page.status).toBe(200);
      pages.push(page.body);
      cursor = page.body.items.length === 0 ? page.body.nextCursor : undefined;
      if (page.body.items.length === 0) expect(page.body).toMatchObject({ scanLimited: true });
    } while (cursor && pages.length < 10);
    expect(pages.length).toBe(3);
    expect(pages[2]!.items.map((item) => item.fields['Content'])).toEqual(['退款申请 scanneedle']);
    // A frequent term fills its page from the first window, as before.
    const frequent = await adminCall<PushPage & { scanLimited?: boolean }>(
      api.url,
      'GET',
      `/admin/v1/pushes?limit=10&text=filler`,
      { token: viewer },
    );
    expect(frequent.body.items).toHaveLength(10);
    expect(frequent.body.scanLimited).toBeUndefined();
    expect(frequent.body.nextCursor).toBeDefined();
  });

  it('Retention: purges only pushes older than the retention (7 days)', async () => {
    const day = 86_400_000;
    const insert = (eventId: string, ageMs: number) =>
      api.database.dataSource.query(
        `INSERT INTO admin_push_log (event_id, type, component_appid, occurred_at, received_at, fields, search_text)
         VALUES (?, 'wechat.message.text', 'wxretention', ?, ?, '{}', '')`,
        [eventId, new Date(Date.now() - ageMs), new Date(Date.now() - ageMs)],
      );
    await insert('00000000-0000-4000-8000-000000000001', 8 * day);
    await insert('00000000-0000-4000-8000-000000000002', 7 * day + 60_000);
    await insert('00000000-0000-4000-8000-000000000003', 7 * day - 60_000);
    await insert('00000000-0000-4000-8000-000000000004', day);
    const remaining = async () =>
      (
        (await api.database.dataSource.query(
          `SELECT event_id FROM admin_push_log WHERE component_appid = 'wxretention' ORDER BY event_id`,
        )) as { event_id: string }[]
      ).map((row) => row.event_id);
    await waitUntil(async () => (await remaining()).length === 2, 10_000, 'the purge of old pushes');
    expect(await remaining()).toEqual([
      '00000000-0000-4000-8000-000000000003',
      '00000000-0000-4000-8000-000000000004',
    ]);
    const recent = await adminCall<PushPage>(api.url, 'GET', `/admin/v1/pushes?componentAppid=${COMPONENT}`, {
      token: viewer,
    });
    expect(recent.body.items.length).toBeGreaterThanOrEqual(3);
  });

  it('Dead letters - /admin/v1/dead-letters: depth, inspect, requeue, purge, with roles', async () => {
    await publishRawTestMessage('wechat.message.text', Buffer.from('not json'), {
      namespace: api.namespace,
      messageId: 'poison-1',
    });
    const depthOf = async () => {
      const { body } = await adminCall<{
        items: { originalQueue: string; depth: number; oldestAgeSeconds?: number }[];
      }>(api.url, 'GET', '/admin/v1/dead-letters', { token: viewer });
      return body.items.find((item) => item.originalQueue === QueueNames.AdminApiPushLog);
    };
    await waitUntil(async () => (await depthOf())?.depth === 1, 10_000, 'the poison message in the DLQ');
    expect((await depthOf())!.oldestAgeSeconds).toBeGreaterThanOrEqual(0);

    const shown = await adminCall<{ items: { messageId: string; reason: string; body: string }[] }>(
      api.url,
      'GET',
      `/admin/v1/dead-letters/${QueueNames.AdminApiPushLog}/messages`,
      { token: viewer },
    );
    expect(shown.body.items).toEqual([
      expect.objectContaining({ messageId: 'poison-1', reason: 'unparseable', body: 'not json' }),
    ]);

    const viewerPurge = await adminCall(
      api.url,
      'DELETE',
      `/admin/v1/dead-letters/${QueueNames.AdminApiPushLog}/messages`,
      {
        token: viewer,
      },
    );
    expect(viewerPurge.status).toBe(403);
    const unknown = await adminCall<{ error: string }>(
      api.url,
      'GET',
      '/admin/v1/dead-letters/some.other-queue/messages',
      {
        token: viewer,
      },
    );
    expect([unknown.status, unknown.body.error]).toEqual([404, 'dead_letter_queue_unknown']);

    const requeued = await adminCall<{ count: number }>(
      api.url,
      'POST',
      `/admin/v1/dead-letters/${QueueNames.AdminApiPushLog}/requeue`,
      { token: operator, body: { ids: ['poison-1'] } },
    );
    expect(requeued.body.count).toBe(1);
    // Still not JSON: the consumer dead-letters it again.
    await waitUntil(async () => (await depthOf())?.depth === 1, 10_000, 'the poison message back in the DLQ');

    const depths = new DeadLettersService(
      { url: testEnv.rabbitUrl, namespace: api.namespace } as ResolvedMessagingOptions,
      { ADMIN_API_DEAD_LETTER_EXTRA_QUEUES: [] } as unknown as AdminApiConfig,
    );
    try {
      expect(await depths.depths()).toEqual(
        expect.arrayContaining([expect.objectContaining({ queue: QueueNames.AdminApiPushLog, depth: 1 })]),
      );
    } finally {
      await depths.onApplicationShutdown();
    }

    const purged = await adminCall<{ count: number }>(
      api.url,
      'DELETE',
      `/admin/v1/dead-letters/${QueueNames.AdminApiPushLog}/messages`,
      { token: operator },
    );
    expect(purged.body.count).toBe(1);
    expect((await depthOf())!.depth).toBe(0);
    const audit = await adminCall<{ items: { action: string }[] }>(
      api.url,
      'GET',
      '/admin/v1/audit-log?action=dead-letters.',
      {
        token: viewer,
      },
    );
    expect(audit.body.items.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['dead-letters.requeue', 'dead-letters.purge']),
    );
  });
});
