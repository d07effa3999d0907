import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';

import { api, unwrap } from '../../api/client';
import type {
  SchemaAttemptDto,
  SchemaDeliveryDto,
  SchemaForwardingRuleDto,
  SchemaRotatedSecretDto,
} from '../../api/schema';
import { useAuth } from '../../auth/AuthProvider';
import { useComponent } from '../../auth/ComponentProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDuration, formatTime } from '../../components/format';
import {
  DELIVERY_PAGE_SIZE,
  DELIVERY_STATES,
  EVENT_TYPE,
  deliveryFiltersFromParams,
  deliveryFiltersToParams,
  deliveryQuery,
  overlapSeconds,
  retryFailedBody,
  ruleFormValues,
  sampleEventType,
  updateRuleBody,
  type DeliveryFilters,
  type DeliveryState,
  type RuleFormValues,
} from './forwarding-logic';
import './messages';
import { RuleFields } from './RuleFields';
import { SecretOnce } from './SecretOnce';

const POLL_MS = 3_000;
const STATE_COLOR: Record<DeliveryState, string> = {
  pending: 'processing',
  delivered: 'success',
  failed: 'error',
};
const STATE_LABEL: Record<DeliveryState, string> = {
  pending: 'statePending',
  delivered: 'stateDelivered',
  failed: 'stateFailed',
};

function DeliveryDetail({ ruleId, delivery }: { ruleId: string; delivery: SchemaDeliveryDto }) {
  const { t } = useTranslation('forwarding');
  const detail = useQuery({
    queryKey: ['forwarding', 'delivery', ruleId, delivery.id],
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/forwarding/rules/{id}/deliveries/{deliveryId}', {
          params: { path: { id: ruleId, deliveryId: delivery.id } },
        }),
      ),
    refetchInterval: (query) => (query.state.data?.state === 'pending' ? POLL_MS : false),
  });
  if (detail.isPending) return <Spin />;
  if (detail.error) return <ErrorAlert error={detail.error} />;
  const data = detail.data;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid={`delivery-detail-${delivery.id}`}>
      <Descriptions
        size="small"
        column={2}
        items={[
          {
            key: 'eventId',
            label: t('eventId'),
            children: <Typography.Text copyable>{data.eventId}</Typography.Text>,
          },
          { key: 'deliveredAt', label: t('deliveredAt'), children: formatTime(data.deliveredAt) },
        ]}
      />
      <Typography.Text strong>{t('attemptLog')}</Typography.Text>
      <Table<SchemaAttemptDto>
        size="small"
        rowKey="attempt"
        pagination={false}
        dataSource={data.attemptLog}
        aria-label={t('attemptLog')}
        locale={{ emptyText: <Empty description={t('noAttempts')} /> }}
        columns={[
          { title: t('attempt'), dataIndex: 'attempt', width: 80 },
          { title: t('attemptedAt'), dataIndex: 'attemptedAt', render: (value: string) => formatTime(value) },
          {
            title: t('statusCode'),
            dataIndex: 'statusCode',
            render: (code: number | undefined) =>
              code === undefined ? (
                '—'
              ) : (
                <Tag color={code >= 200 && code < 300 ? 'success' : 'error'}>{code}</Tag>
              ),
          },
          { title: t('latency'), dataIndex: 'latencyMs', render: (ms: number) => `${ms} ms` },
          { title: t('error'), dataIndex: 'error', render: (error: string | undefined) => error ?? '—' },
          {
            title: t('responseHead'),
            dataIndex: 'responseHead',
            render: (head: string | undefined) =>
              head ? (
                <Typography.Paragraph code ellipsis={{ rows: 2, expandable: true }} style={{ margin: 0 }}>
                  {head}
                </Typography.Paragraph>
              ) : (
                '—'
              ),
          },
        ]}
      />
      <Typography.Text strong>{t('envelope')}</Typography.Text>
      <pre
        style={{
          maxHeight: 320,
          overflow: 'auto',
          background: '#f6f6f6',
          padding: 12,
          margin: 0,
          color: '#1f1f1f',
        }}
      >
        {JSON.stringify(data.envelope, null, 2)}
      </pre>
    </Space>
  );
}

function DeliveryLog({ rule }: { rule: SchemaForwardingRuleDto }) {
  const { t } = useTranslation('forwarding');
  const { can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = deliveryFiltersFromParams(searchParams);
  const mayRetry = can('POST /admin/v1/forwarding/rules/{id}/deliveries/{deliveryId}/retry');
  const mayRetryFailed = can('POST /admin/v1/forwarding/rules/{id}/deliveries/retry-failed');
  const filtered = Boolean(filters.state || filters.eventType || filters.since || filters.until);

  const setFilters = (next: DeliveryFilters) =>
    setSearchParams(deliveryFiltersToParams(next), { replace: true });

  const deliveries = useQuery({
    queryKey: ['forwarding', 'deliveries', rule.id, filters],
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/forwarding/rules/{id}/deliveries', {
          params: { path: { id: rule.id }, query: deliveryQuery(filters) },
        }),
      ),
    refetchInterval: POLL_MS,
  });
  // The totals per state under the same filters: a bulk retry's progress, re-read from the API.
  const counts = useQuery({
    queryKey: ['forwarding', 'delivery-counts', rule.id, filters.eventType, filters.since, filters.until],
    queryFn: async () => {
      const totals = await Promise.all(
        DELIVERY_STATES.map((state) =>
          unwrap(
            api.GET('/admin/v1/forwarding/rules/{id}/deliveries', {
              params: {
                path: { id: rule.id },
                query: { ...deliveryQuery({ ...filters, state, page: 1 }, 1) },
              },
            }),
          ).then((page) => [state, page.total] as const),
        ),
      );
      return Object.fromEntries(totals) as Record<DeliveryState, number>;
    },
    refetchInterval: POLL_MS,
  });

  const invalidate = () => queryClient.invalidateQueries({ queryKey: ['forwarding'] });
  const retryOne = useMutation({
    mutationFn: (deliveryId: string) =>
      unwrap(
        api.POST('/admin/v1/forwarding/rules/{id}/deliveries/{deliveryId}/retry', {
          params: { path: { id: rule.id, deliveryId } },
        }),
      ),
    onSuccess: () => {
      void message.success(t('retryQueued'));
      void invalidate();
    },
  });
  const retryFailed = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/admin/v1/forwarding/rules/{id}/deliveries/retry-failed', {
          params: { path: { id: rule.id } },
          body: retryFailedBody(filters),
        }),
      ),
    onSuccess: ({ count }) => {
      if (count > 0) void message.success(t('retryFailedDone', { count }));
      else void message.info(t('retryFailedNone'));
      void invalidate();
    },
  });

  const range: [Dayjs, Dayjs] | undefined =
    filters.since && filters.until ? [dayjs(filters.since), dayjs(filters.until)] : undefined;

  return (
    <Card
      title={t('deliveries')}
      extra={
        <Space wrap>
          {counts.data ? (
            <Typography.Text data-testid="delivery-counts">
              {t('counts', {
                pending: counts.data.pending,
                delivered: counts.data.delivered,
                failed: counts.data.failed,
              })}
            </Typography.Text>
          ) : null}
          {mayRetryFailed ? (
            <Popconfirm
              title={t('retryFailed')}
              description={t('retryFailedConfirm')}
              onConfirm={() => retryFailed.mutate()}
              okText={t('common:action.confirm')}
              cancelText={t('common:action.cancel')}
            >
              <Button danger loading={retryFailed.isPending} disabled={counts.data?.failed === 0}>
                {t('retryFailed')}
              </Button>
            </Popconfirm>
          ) : null}
        </Space>
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Form
          key={searchParams.toString()}
          layout="inline"
          name="delivery-filters"
          initialValues={{ state: filters.state, eventType: filters.eventType, range }}
          onFinish={(values: { state?: DeliveryState; eventType?: string; range?: [Dayjs, Dayjs] | null }) =>
            setFilters({
              state: values.state,
              eventType: values.eventType?.trim() || undefined,
              since: values.range?.[0]?.toISOString(),
              until: values.range?.[1]?.toISOString(),
              page: 1,
            })
          }
        >
          <Form.Item label={t('state')} name="state">
            <Select<DeliveryState>
              allowClear
              style={{ width: 140 }}
              placeholder={t('filterPlaceholder')}
              options={DELIVERY_STATES.map((state) => ({ value: state, label: t(STATE_LABEL[state]) }))}
            />
          </Form.Item>
          <Form.Item
            label={t('eventType')}
            name="eventType"
            rules={[{ pattern: EVENT_TYPE, message: t('eventTypeInvalid') }]}
          >
            <Input allowClear style={{ width: 240 }} placeholder="authorization.authorized" />
          </Form.Item>
          <Form.Item label={t('timeRange')} name="range">
            <DatePicker.RangePicker showTime placeholder={[t('since'), t('until')]} />
          </Form.Item>
          <Space>
            <Button htmlType="submit">{t('common:action.search')}</Button>
            <Button onClick={() => setFilters({ page: 1 })}>{t('common:action.reset')}</Button>
          </Space>
        </Form>
        <ErrorAlert error={deliveries.error ?? retryOne.error ?? retryFailed.error} />
        {retryFailed.data ? (
          <Alert
            type="info"
            showIcon
            closable
            title={t('retryFailedDone', { count: retryFailed.data.count })}
            data-testid="retry-failed-count"
          />
        ) : null}
        <Typography.Text type="secondary">{t('polling')}</Typography.Text>
        <Table<SchemaDeliveryDto>
          rowKey="id"
          aria-label={t('deliveryLog')}
          data-testid="delivery-log"
          loading={deliveries.isPending}
          dataSource={deliveries.data?.items}
          locale={{
            emptyText: <Empty description={filtered ? t('deliveriesEmptyFiltered') : t('deliveriesEmpty')} />,
          }}
          pagination={{
            current: filters.page,
            pageSize: DELIVERY_PAGE_SIZE,
            total: deliveries.data?.total,
            onChange: (page) => setFilters({ ...filters, page }),
            showSizeChanger: false,
          }}
          expandable={{
            expandedRowRender: (delivery) => <DeliveryDetail ruleId={rule.id} delivery={delivery} />,
          }}
          columns={[
            { title: 'ID', dataIndex: 'id', width: 90 },
            {
              title: t('eventType'),
              dataIndex: 'eventType',
              render: (type: string, delivery) => (
                <Space size="small">
                  <Typography.Text code>{type}</Typography.Text>
                  {delivery.isTest ? <Tag>{t('isTest')}</Tag> : null}
                </Space>
              ),
            },
            {
              title: t('state'),
              dataIndex: 'state',
              render: (state: DeliveryState) => <Tag color={STATE_COLOR[state]}>{t(STATE_LABEL[state])}</Tag>,
            },
            { title: t('attempts'), dataIndex: 'attempts', width: 100 },
            {
              title: t('lastResult'),
              key: 'lastResult',
              render: (_, delivery) =>
                [delivery.lastStatusCode, delivery.lastError]
                  .filter((part) => part !== undefined)
                  .join(' · ') || '—',
            },
            {
              title: t('common:field.createdAt'),
              dataIndex: 'createdAt',
              render: (value: string) => formatTime(value),
            },
            {
              title: t('common:field.actions'),
              key: 'actions',
              render: (_, delivery) =>
                mayRetry ? (
                  <Button
                    size="small"
                    loading={retryOne.isPending && retryOne.variables === delivery.id}
                    onClick={() => retryOne.mutate(delivery.id)}
                    aria-label={`${t('retry')} ${delivery.id}`}
                  >
                    {t('retry')}
                  </Button>
                ) : null,
            },
          ]}
        />
      </Space>
    </Card>
  );
}

function Rule({ ruleId }: { ruleId: string }) {
  const { t } = useTranslation('forwarding');
  const { can } = useAuth();
  const { components } = useComponent();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [rotated, setRotated] = useState<SchemaRotatedSecretDto>();
  const [testType, setTestType] = useState<string>();
  const mayEdit = can('PATCH /admin/v1/forwarding/rules/{id}');
  const mayDelete = can('DELETE /admin/v1/forwarding/rules/{id}');
  const mayRotate = can('POST /admin/v1/forwarding/rules/{id}/secret/rotate');
  const mayTest = can('POST /admin/v1/forwarding/rules/{id}/test');

  const rule = useQuery({
    queryKey: ['forwarding', 'rule', ruleId],
    queryFn: () => unwrap(api.GET('/admin/v1/forwarding/rules/{id}', { params: { path: { id: ruleId } } })),
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ['forwarding'] });

  const update = useMutation({
    mutationFn: (body: NonNullable<ReturnType<typeof updateRuleBody>>) =>
      unwrap(api.PATCH('/admin/v1/forwarding/rules/{id}', { params: { path: { id: ruleId } }, body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(['forwarding', 'rule', ruleId], saved);
      void message.success(t('saved'));
      if (saved.bindingsPending) void message.warning(t('bindingsPending'));
      void invalidate();
    },
  });
  const remove = useMutation({
    mutationFn: () =>
      unwrap(api.DELETE('/admin/v1/forwarding/rules/{id}', { params: { path: { id: ruleId } } })),
    onSuccess: () => {
      void message.success(t('deleted'));
      queryClient.removeQueries({ queryKey: ['forwarding', 'rule', ruleId] });
      void invalidate();
      void navigate('/forwarding');
    },
  });
  const rotate = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/admin/v1/forwarding/rules/{id}/secret/rotate', { params: { path: { id: ruleId } } })),
    onSuccess: (answer) => {
      setRotated(answer);
      void invalidate();
    },
  });
  const test = useMutation({
    mutationFn: (eventType: string) =>
      unwrap(
        api.POST('/admin/v1/forwarding/rules/{id}/test', {
          params: { path: { id: ruleId } },
          body: { eventType },
        }),
      ),
    onSuccess: () => {
      void message.success(t('testSent'));
      void invalidate();
    },
  });

  if (rule.isPending || rule.error || !rule.data)
    return (
      <>
        <Link to="/forwarding">← {t('back')}</Link>
        <Typography.Title level={2} style={{ marginTop: 8 }}>
          {t('title')}
        </Typography.Title>
        {rule.isPending ? <Spin /> : <ErrorAlert error={rule.error} />}
      </>
    );

  const data = rule.data;
  const eventType = testType ?? sampleEventType(data.eventPattern);
  const overlap = overlapSeconds(data.previousSecretExpiresAt);
  const componentOptions = components.map((component) => ({
    value: component.componentAppid,
    label: component.componentAppid,
  }));

  return (
    <>
      <Link to="/forwarding">← {t('back')}</Link>
      <Typography.Title level={2} style={{ marginTop: 8 }}>
        {data.name}
      </Typography.Title>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Space wrap>
          <Typography.Text code>{data.eventPattern}</Typography.Text>
          <Typography.Text>→ {data.targetUrl}</Typography.Text>
          {data.enabled ? <Tag color="success">{t('enabled')}</Tag> : <Tag>{t('disabled')}</Tag>}
        </Space>
        {overlap > 0 ? (
          <Alert
            type="info"
            showIcon
            title={t('overlapActive', { time: formatTime(data.previousSecretExpiresAt) })}
          />
        ) : null}
        <ErrorAlert error={test.error ?? rotate.error ?? remove.error} />
        <Space wrap>
          {mayTest ? (
            <Space.Compact>
              <Input
                aria-label={t('testEventType')}
                value={eventType}
                onChange={(event) => setTestType(event.target.value)}
                style={{ width: 260 }}
                status={EVENT_TYPE.test(eventType) ? undefined : 'error'}
              />
              <Button
                type="primary"
                loading={test.isPending}
                disabled={!EVENT_TYPE.test(eventType)}
                onClick={() => test.mutate(eventType)}
              >
                {t('test')}
              </Button>
            </Space.Compact>
          ) : null}
          {mayRotate ? (
            <Button
              loading={rotate.isPending}
              onClick={() =>
                void modal.confirm({
                  title: t('rotate'),
                  content: t('rotateConfirm'),
                  okText: t('common:action.confirm'),
                  cancelText: t('common:action.cancel'),
                  onOk: () =>
                    rotate.mutateAsync().then(
                      () => undefined,
                      () => undefined,
                    ),
                })
              }
            >
              {t('rotate')}
            </Button>
          ) : null}
          {mayDelete ? (
            <Popconfirm
              title={t('deleteRule')}
              description={t('deleteConfirm')}
              onConfirm={() => remove.mutate()}
              okText={t('common:action.delete')}
              okButtonProps={{ danger: true }}
              cancelText={t('common:action.cancel')}
            >
              <Button danger loading={remove.isPending}>
                {t('deleteRule')}
              </Button>
            </Popconfirm>
          ) : null}
        </Space>

        <Card title={t('settings')}>
          <Form<RuleFormValues>
            key={data.updatedAt}
            layout="vertical"
            name="edit-forwarding-rule"
            disabled={!mayEdit}
            initialValues={ruleFormValues(data)}
            style={{ maxWidth: 640 }}
            onFinish={(values) => {
              const body = updateRuleBody(data, values);
              if (body) update.mutate(body);
              else void message.info(t('nothingChanged'));
            }}
          >
            <RuleFields componentOptions={componentOptions} />
            <ErrorAlert error={update.error} style={{ marginBottom: 16 }} />
            {mayEdit ? (
              <Button type="primary" htmlType="submit" loading={update.isPending}>
                {t('common:action.save')}
              </Button>
            ) : null}
          </Form>
          <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
            {t('common:field.createdAt')}: {formatTime(data.createdAt)} · {t('common:field.updatedAt')}:{' '}
            {formatTime(data.updatedAt)}
          </Typography.Paragraph>
        </Card>

        <DeliveryLog rule={data} />
      </Space>

      <Modal
        open={rotated !== undefined}
        title={t('rotatedTitle')}
        closable={false}
        mask={{ closable: false }}
        onCancel={() => setRotated(undefined)}
        footer={
          <Button type="primary" onClick={() => setRotated(undefined)}>
            {t('secretSaved')}
          </Button>
        }
      >
        {rotated ? (
          <SecretOnce
            secret={rotated.secret}
            description={
              rotated.previousSecretExpiresAt && overlapSeconds(rotated.previousSecretExpiresAt) > 0
                ? t('rotatedOverlap', {
                    time: formatTime(rotated.previousSecretExpiresAt),
                    duration: formatDuration(overlapSeconds(rotated.previousSecretExpiresAt)),
                  })
                : t('rotatedNoOverlap')
            }
          />
        ) : null}
      </Modal>
    </>
  );
}

export default function ForwardingRulePage() {
  const { ruleId } = useParams();
  return <Rule key={ruleId} ruleId={ruleId ?? ''} />;
}
