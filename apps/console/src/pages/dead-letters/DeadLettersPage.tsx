import { DeleteOutlined, EyeOutlined, ReloadOutlined, UndoOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Popconfirm, Select, Space, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { api, unwrap } from '../../api/client';
import type {
  SchemaDeadLetterDto,
  SchemaDeadLetterQueueDto,
  SchemaRequeueDeadLettersDto,
} from '../../api/schema';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDuration, formatTime } from '../../components/format';
import {
  findQueue,
  MESSAGE_LIMITS,
  messageKey,
  messageLimit,
  payloadText,
  requeueBody,
  totalDepth,
} from './dead-letters';
import './messages';

type Row = SchemaDeadLetterDto & { key: string };

/** Requeue and purge of one queue, shared by the queue list and the message list. */
function useQueueActions() {
  const { t } = useTranslation('deadLetters');
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const settle = () => void queryClient.invalidateQueries({ queryKey: ['dead-letters'] });
  const requeue = useMutation({
    mutationFn: ({ queue, body }: { queue: string; body: SchemaRequeueDeadLettersDto }) =>
      unwrap(api.POST('/admin/v1/dead-letters/{queue}/requeue', { params: { path: { queue } }, body })),
    onSuccess: ({ count }) => {
      void message.success(t('requeued', { count }));
      settle();
    },
  });
  const purge = useMutation({
    mutationFn: (queue: string) =>
      unwrap(api.DELETE('/admin/v1/dead-letters/{queue}/messages', { params: { path: { queue } } })),
    onSuccess: ({ count }) => {
      void message.success(t('purged', { count }));
      settle();
    },
  });
  return { requeue, purge };
}

function Messages({
  queue,
  limit,
  onLimit,
  onClose,
  actions,
}: {
  queue: SchemaDeadLetterQueueDto;
  limit: number;
  onLimit(limit: number): void;
  onClose(): void;
  actions: ReturnType<typeof useQueueActions>;
}) {
  const { t } = useTranslation('deadLetters');
  const { can } = useAuth();
  const mayRequeue = can('POST /admin/v1/dead-letters/{queue}/requeue');
  const [selected, setSelected] = useState<string[]>([]);
  const list = useQuery({
    queryKey: ['dead-letters', 'messages', queue.queue, limit],
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/dead-letters/{queue}/messages', {
          params: { path: { queue: queue.queue }, query: { limit } },
        }),
      ),
  });
  const rows = useMemo<Row[]>(
    () => (list.data?.items ?? []).map((item, index) => ({ ...item, key: messageKey(item) ?? `#${index}` })),
    [list.data],
  );
  // Only what is still listed can be requeued by id.
  const chosen = selected.filter((id) => rows.some((row) => messageKey(row) === id));

  return (
    <Card
      title={t('messagesOf', { queue: queue.queue })}
      extra={
        <Space wrap>
          <Typography.Text id="dlq-limit-label">{t('limit')}</Typography.Text>
          <Select<number>
            aria-labelledby="dlq-limit-label"
            style={{ width: 90 }}
            value={limit}
            onChange={onLimit}
            options={MESSAGE_LIMITS.map((value) => ({ value, label: String(value) }))}
          />
          <Button icon={<ReloadOutlined />} loading={list.isFetching} onClick={() => void list.refetch()}>
            {t('common:action.refresh')}
          </Button>
          <Button onClick={onClose}>{t('close')}</Button>
        </Space>
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <ErrorAlert error={list.error} />
        {mayRequeue ? (
          <Popconfirm
            title={t('requeueSelectedConfirm', { count: chosen.length })}
            okText={t('common:action.confirm')}
            cancelText={t('common:action.cancel')}
            disabled={chosen.length === 0}
            onConfirm={() => {
              actions.requeue.mutate(
                { queue: queue.queue, body: requeueBody(chosen) },
                { onSuccess: () => setSelected([]) },
              );
            }}
          >
            <Button
              icon={<UndoOutlined />}
              disabled={chosen.length === 0}
              loading={actions.requeue.isPending}
            >
              {t('requeueSelected', { count: chosen.length })}
            </Button>
          </Popconfirm>
        ) : null}
        <Table<Row>
          loading={list.isPending}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('emptyMessages')} /> }}
          rowSelection={
            mayRequeue
              ? {
                  selectedRowKeys: chosen,
                  onChange: (keys) => setSelected(keys.map(String)),
                  getCheckboxProps: (row) => ({
                    disabled: messageKey(row) === undefined,
                    'aria-label': t('selectMessage', { id: row.key }),
                  }),
                }
              : undefined
          }
          expandable={{
            expandedRowRender: (row) => (
              <pre
                tabIndex={0}
                style={{
                  margin: 0,
                  maxHeight: 360,
                  overflow: 'auto',
                  whiteSpace: 'pre-wrap',
                  wordBreak: 'break-all',
                  color: '#1f2328',
                }}
              >
                <code>{payloadText(row)}</code>
              </pre>
            ),
          }}
          columns={[
            {
              title: t('messageId'),
              dataIndex: 'messageId',
              render: (id: string | undefined) =>
                id ? <Typography.Text copyable>{id}</Typography.Text> : '—',
            },
            { title: t('type'), dataIndex: 'type', render: (value?: string) => value ?? '—' },
            { title: t('reason'), dataIndex: 'reason', render: (value?: string) => value ?? '—' },
            {
              title: t('error'),
              dataIndex: 'error',
              render: (value?: string) =>
                value ? (
                  <span style={{ maxWidth: 360, display: 'inline-block', whiteSpace: 'normal' }}>
                    {value}
                  </span>
                ) : (
                  '—'
                ),
            },
            { title: t('attempts'), dataIndex: 'attempts', render: (value?: number) => value ?? '—' },
            {
              title: t('routingKey'),
              dataIndex: 'originalRoutingKey',
              render: (value?: string) => value ?? '—',
            },
            {
              title: t('deadLetteredAt'),
              dataIndex: 'deadLetteredAt',
              render: (value?: string) => formatTime(value),
            },
          ]}
        />
      </Space>
    </Card>
  );
}

export default function DeadLettersPage() {
  const { t } = useTranslation('deadLetters');
  const { can } = useAuth();
  const [searchParams, setSearchParams] = useSearchParams();
  const actions = useQueueActions();
  const mayRequeue = can('POST /admin/v1/dead-letters/{queue}/requeue');
  const mayPurge = can('DELETE /admin/v1/dead-letters/{queue}/messages');

  const list = useQuery({
    queryKey: ['dead-letters', 'queues'],
    queryFn: () => unwrap(api.GET('/admin/v1/dead-letters')),
    refetchInterval: 10_000,
  });
  const queues = useMemo(() => list.data?.items ?? [], [list.data]);
  const queueParam = searchParams.get('queue');
  const limit = messageLimit(searchParams.get('limit'));
  const open = findQueue(queues, queueParam);

  const show = (queue: string | undefined, nextLimit = limit) => {
    const next = new URLSearchParams();
    if (queue) next.set('queue', queue);
    if (queue && nextLimit !== messageLimit(null)) next.set('limit', String(nextLimit));
    setSearchParams(next);
  };

  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('title')}
      </Typography.Title>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
        <Card
          title={t('queues')}
          extra={
            <Space>
              {list.data ? (
                <Typography.Text>{t('total', { count: totalDepth(queues) })}</Typography.Text>
              ) : null}
              <Button icon={<ReloadOutlined />} loading={list.isFetching} onClick={() => void list.refetch()}>
                {t('common:action.refresh')}
              </Button>
            </Space>
          }
        >
          <Space orientation="vertical" style={{ width: '100%' }}>
            <ErrorAlert error={list.error} />
            <ErrorAlert error={actions.requeue.error} />
            <ErrorAlert error={actions.purge.error} />
            <Table<SchemaDeadLetterQueueDto>
              rowKey="queue"
              loading={list.isPending}
              dataSource={queues}
              pagination={false}
              scroll={{ x: 'max-content' }}
              locale={{ emptyText: <Empty description={t('emptyQueues')} /> }}
              columns={[
                {
                  title: t('queue'),
                  dataIndex: 'queue',
                  render: (name: string) => <Typography.Text code>{name}</Typography.Text>,
                },
                { title: t('originalQueue'), dataIndex: 'originalQueue' },
                {
                  title: t('depth'),
                  dataIndex: 'depth',
                  render: (depth: number) => <Typography.Text strong={depth > 0}>{depth}</Typography.Text>,
                },
                {
                  title: t('oldestAge'),
                  dataIndex: 'oldestAgeSeconds',
                  render: (seconds?: number) => formatDuration(seconds),
                },
                {
                  title: t('common:field.actions'),
                  key: 'actions',
                  render: (_, queue) => (
                    <Space wrap>
                      <Button size="small" icon={<EyeOutlined />} onClick={() => show(queue.queue)}>
                        {t('inspect')}
                      </Button>
                      {mayRequeue ? (
                        <Popconfirm
                          title={t('requeueAllConfirm', {
                            queue: queue.queue,
                            original: queue.originalQueue,
                          })}
                          okText={t('common:action.confirm')}
                          cancelText={t('common:action.cancel')}
                          disabled={queue.depth === 0}
                          onConfirm={() =>
                            actions.requeue.mutate({ queue: queue.queue, body: requeueBody('all') })
                          }
                        >
                          <Button
                            size="small"
                            icon={<UndoOutlined />}
                            disabled={queue.depth === 0}
                            loading={
                              actions.requeue.isPending && actions.requeue.variables?.queue === queue.queue
                            }
                          >
                            {t('requeueAll')}
                          </Button>
                        </Popconfirm>
                      ) : null}
                      {mayPurge ? (
                        <Popconfirm
                          title={t('purgeConfirm', { queue: queue.queue })}
                          okText={t('common:action.confirm')}
                          okButtonProps={{ danger: true }}
                          cancelText={t('common:action.cancel')}
                          disabled={queue.depth === 0}
                          onConfirm={() => actions.purge.mutate(queue.queue)}
                        >
                          <Button
                            size="small"
                            danger
                            icon={<DeleteOutlined />}
                            disabled={queue.depth === 0}
                            loading={actions.purge.isPending && actions.purge.variables === queue.queue}
                          >
                            {t('purge')}
                          </Button>
                        </Popconfirm>
                      ) : null}
                    </Space>
                  ),
                },
              ]}
            />
          </Space>
        </Card>
        {open ? (
          <Messages
            key={open.queue}
            queue={open}
            limit={limit}
            onLimit={(next) => show(open.queue, next)}
            onClose={() => show(undefined)}
            actions={actions}
          />
        ) : queueParam && list.data ? (
          <Alert type="warning" showIcon title={t('unknownQueue', { queue: queueParam })} />
        ) : queues.length > 0 ? (
          <Typography.Paragraph>{t('chooseQueue')}</Typography.Paragraph>
        ) : null}
      </Space>
    </>
  );
}
