import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Empty,
  Progress,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';

import { api, unwrap } from '../../api/client';
import type {
  SchemaCampaignDto,
  SchemaCampaignOperationPageDto,
  SchemaCampaignOperationReplyDto,
  SchemaCampaignOperationSummaryDto,
} from '../../api/schema';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDuration, formatTime } from '../../components/format';
import {
  ACTION_ROUTES,
  CAMPAIGN_ACTIONS,
  CONFIRMED_ACTIONS,
  applicableTargets,
  chosenTargetsBody,
  enabledActions,
  outcomeCounts,
  type CampaignAction,
} from './campaign-actions';
import {
  STATUS_COLOR,
  TARGET_STATES,
  addSample,
  etaSeconds,
  formatRate,
  percentOf,
  pollInterval,
  recentThroughput,
  secondsUntil,
  stateBars,
  stateColor,
  type ProgressSample,
} from './campaign-progress';
import { grayPlanText, releaseWindowText } from './campaign-settings';
import type { CampaignTargetRow, CampaignTargetRowPage } from './campaign-types';
import './messages';

const TARGET_PAGE_SIZE = 50;
/** Bar colours by a state's tag colour (the text beside a bar stays the default colour: contrast). */
const BAR_COLOR: Record<string, string | undefined> = {
  success: '#52c41a',
  error: '#ff4d4f',
  warning: '#faad14',
  default: '#bfbfbf',
  processing: undefined,
};
const OPERATION_PAGE_SIZE = 10;

type ActResult =
  | { kind: 'campaign'; campaign: SchemaCampaignDto; action: CampaignAction }
  | { kind: 'retry'; campaign: SchemaCampaignDto; retried: number }
  | { kind: 'operation'; campaign: SchemaCampaignDto; reply: SchemaCampaignOperationReplyDto };

const anyRunning = (page: SchemaCampaignOperationPageDto | undefined) =>
  page?.items.some((operation) => operation.status === 'running') ?? false;

function Detail({ campaignId }: { campaignId: string }) {
  const { t } = useTranslation('campaigns');
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const stateFilter = params.get('state') ?? undefined;
  const cursor = params.get('cursor') ?? undefined;
  const [selected, setSelected] = useState<string[]>([]);
  const [samples, setSamples] = useState<ProgressSample[]>([]);
  const [operationsPage, setOperationsPage] = useState(1);

  const operationsRunning = () =>
    queryClient
      .getQueriesData<SchemaCampaignOperationPageDto>({ queryKey: ['campaign-operations', campaignId] })
      .some(([, page]) => anyRunning(page));

  const campaign = useQuery({
    queryKey: ['campaign', campaignId],
    queryFn: async () => {
      const answer = await unwrap(
        api.GET('/admin/v1/campaigns/{campaignId}', { params: { path: { campaignId } } }),
      );
      setSamples((list) => addSample(list, { at: Date.now(), done: answer.progress.done }));
      return answer;
    },
    refetchInterval: (query) => pollInterval(query.state.data?.status, operationsRunning()),
  });
  const status = campaign.data?.status;
  const operations = useQuery({
    queryKey: ['campaign-operations', campaignId, operationsPage],
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/campaigns/{campaignId}/operations', {
          params: {
            path: { campaignId },
            query: {
              limit: OPERATION_PAGE_SIZE,
              offset: (operationsPage - 1) * OPERATION_PAGE_SIZE,
              order: 'desc',
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => pollInterval(status, anyRunning(query.state.data)),
  });
  const targets = useQuery({
    queryKey: ['campaign-targets', campaignId, stateFilter, cursor],
    queryFn: async () =>
      (await unwrap(
        api.GET('/admin/v1/campaigns/{campaignId}/targets', {
          params: {
            path: { campaignId },
            query: {
              limit: TARGET_PAGE_SIZE,
              ...(stateFilter ? { state: stateFilter } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      )) satisfies CampaignTargetRowPage,
    placeholderData: keepPreviousData,
    refetchInterval: pollInterval(status, anyRunning(operations.data)),
  });

  const act = useMutation({
    mutationFn: async ({
      action,
      undoAudits,
    }: {
      action: CampaignAction;
      undoAudits?: boolean;
    }): Promise<ActResult> => {
      const path = { campaignId };
      const body = chosenTargetsBody(selected);
      const operation = (reply: SchemaCampaignOperationReplyDto): ActResult => ({
        kind: 'operation',
        campaign: reply.campaign,
        reply,
      });
      switch (action) {
        case 'pause':
          return {
            kind: 'campaign',
            action,
            campaign: await unwrap(api.POST('/admin/v1/campaigns/{campaignId}/pause', { params: { path } })),
          };
        case 'resume':
          return {
            kind: 'campaign',
            action,
            campaign: await unwrap(api.POST('/admin/v1/campaigns/{campaignId}/resume', { params: { path } })),
          };
        case 'cancel':
          return {
            kind: 'campaign',
            action,
            campaign: await unwrap(
              api.POST('/admin/v1/campaigns/{campaignId}/cancel', {
                params: { path },
                body: { undoAudits: undoAudits ?? false },
              }),
            ),
          };
        case 'retry': {
          const reply = await unwrap(
            api.POST('/admin/v1/campaigns/{campaignId}/retry', { params: { path }, body }),
          );
          return { kind: 'retry', campaign: reply.campaign, retried: reply.retried };
        }
        case 'approve':
          return operation(
            await unwrap(api.POST('/admin/v1/campaigns/{campaignId}/approve', { params: { path }, body })),
          );
        case 'grayAdvance':
          return operation(
            await unwrap(
              api.POST('/admin/v1/campaigns/{campaignId}/gray/advance', { params: { path }, body }),
            ),
          );
        case 'grayRevert':
          return operation(
            await unwrap(
              api.POST('/admin/v1/campaigns/{campaignId}/gray/revert', { params: { path }, body }),
            ),
          );
        case 'revert':
          return operation(
            await unwrap(api.POST('/admin/v1/campaigns/{campaignId}/revert', { params: { path }, body })),
          );
        case 'speedup':
          return operation(
            await unwrap(api.POST('/admin/v1/campaigns/{campaignId}/speedup', { params: { path }, body })),
          );
      }
    },
    onSuccess: (result) => {
      queryClient.setQueryData(['campaign', campaignId], result.campaign);
      void queryClient.invalidateQueries({ queryKey: ['campaign', campaignId] });
      void queryClient.invalidateQueries({ queryKey: ['campaign-targets', campaignId] });
      void queryClient.invalidateQueries({ queryKey: ['campaign-operations', campaignId] });
      void queryClient.invalidateQueries({ queryKey: ['campaigns'] });
      if (result.kind === 'campaign') {
        void message.success(t(`detail.done.${result.action}`));
        return;
      }
      setSelected([]);
      if (result.kind === 'retry') {
        void message.success(t('detail.done.retry', { count: result.retried }));
        return;
      }
      const { reply } = result;
      if (reply.running)
        void message.success(t('detail.done.running', { count: reply.accepted ?? reply.done }));
      else void message.success(t('detail.done.operation', { count: reply.done }));
      const others = Object.entries(outcomeCounts(reply.results)).filter(([outcome]) => outcome !== 'done');
      if (others.length > 0)
        void message.warning(
          t('detail.done.others', {
            list: others
              .map(([outcome, n]) => `${t(`outcome.${outcome}`, { defaultValue: outcome })} ${n}`)
              .join(', '),
          }),
        );
    },
  });

  if (campaign.isPending) return <Spin />;
  if (campaign.error && !campaign.data) return <ErrorAlert error={campaign.error} />;
  const data = campaign.data!;
  const counts = data.counts;
  const released = counts['released'] ?? 0;
  const failed = (counts['failed'] ?? 0) + (counts['rejected'] ?? 0);
  const { total, done } = data.progress;
  const enabled = enabledActions(data.status, counts);
  const recent = recentThroughput(samples);
  const now = campaign.dataUpdatedAt;
  const eta = secondsUntil(data.progress.etaAt, now) ?? etaSeconds(total - done, recent);

  const run = (action: CampaignAction) => {
    if (!CONFIRMED_ACTIONS.has(action)) {
      act.mutate({ action });
      return;
    }
    const scope =
      action === 'cancel'
        ? t('detail.confirm.cancelScope')
        : selected.length > 0
          ? t('detail.scopeSelected', { count: selected.length })
          : t('detail.scopeAll', { count: applicableTargets(action, counts) });
    const choice = { undoAudits: false };
    modal.confirm({
      title: t(`detail.confirm.${action}`),
      content: (
        <Space orientation="vertical">
          <span>{scope}</span>
          {action === 'cancel' ? (
            <Checkbox onChange={(event) => (choice.undoAudits = event.target.checked)}>
              {t('detail.confirm.undoAudits')}
            </Checkbox>
          ) : null}
        </Space>
      ),
      okText: t('common:action.confirm'),
      cancelText: t('common:action.cancel'),
      okButtonProps: { danger: action === 'cancel' || action === 'revert' || action === 'grayRevert' },
      onOk: () => act.mutate({ action, undoAudits: choice.undoAudits }),
    });
  };

  const visibleActions = CAMPAIGN_ACTIONS.filter((action) => can(ACTION_ROUTES[action]));
  const setTargetParams = (change: { state?: string | undefined; cursor?: string | undefined }) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(change)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next, { replace: true });
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <ErrorAlert error={campaign.error} />
      <Card title={t('detail.summary')}>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2, xl: 3 }}
          items={[
            {
              key: 'status',
              label: t('common:field.status'),
              children: (
                <Space size={4} wrap>
                  <Tag color={STATUS_COLOR[data.status] ?? 'default'} data-testid="campaign-status">
                    {data.status}
                  </Tag>
                  <span>{t(`status.${data.status}`, { defaultValue: data.status })}</span>
                  {data.pauseReason ? (
                    <Typography.Text type="warning">{data.pauseReason}</Typography.Text>
                  ) : null}
                </Space>
              ),
            },
            { key: 'version', label: t('field.userVersion'), children: data.userVersion },
            { key: 'template', label: t('field.templateId'), children: data.templateId },
            { key: 'component', label: t('common:field.component'), children: data.componentAppid },
            { key: 'targets', label: t('field.targets'), children: data.targets },
            { key: 'created', label: t('common:field.createdAt'), children: formatTime(data.createdAt) },
            { key: 'finished', label: t('field.finishedAt'), children: formatTime(data.finishedAt) },
            // The creation choices (absent from a code-release that predates them).
            ...(data.releaseMode
              ? [
                  {
                    key: 'releaseMode',
                    label: t('wizard.releaseMode'),
                    children: (
                      <span data-testid="campaign-release-mode">
                        {t(`releaseMode.${data.releaseMode}`)}
                        {data.gray ? ` · ${grayPlanText(data.gray, t('detail.grayManual'))}` : ''}
                      </span>
                    ),
                  },
                ]
              : []),
            ...(data.releaseWindow !== undefined
              ? [
                  {
                    key: 'releaseWindow',
                    label: t('wizard.releaseWindow'),
                    children: releaseWindowText(data.releaseWindow) ?? t('detail.anyHour'),
                  },
                ]
              : []),
            ...(data.concurrency !== undefined
              ? [{ key: 'concurrency', label: t('wizard.concurrency'), children: data.concurrency }]
              : []),
            ...(data.quotaReserve !== undefined
              ? [{ key: 'quotaReserve', label: t('wizard.quotaReserve'), children: data.quotaReserve }]
              : []),
            ...(data.createdBy
              ? [{ key: 'createdBy', label: t('detail.createdBy'), children: data.createdBy }]
              : []),
            ...(data.userDesc
              ? [{ key: 'userDesc', label: t('wizard.userDesc'), children: data.userDesc }]
              : []),
            {
              key: 'id',
              label: t('field.campaignId'),
              children: <Typography.Text copyable>{data.campaignId}</Typography.Text>,
            },
          ]}
        />
      </Card>

      {visibleActions.length > 0 ? (
        <Card
          title={t('detail.actions')}
          extra={
            selected.length > 0 ? (
              <Space>
                <span>{t('detail.selectedTargets', { count: selected.length })}</span>
                <Button size="small" onClick={() => setSelected([])}>
                  {t('detail.clearSelection')}
                </Button>
              </Space>
            ) : (
              <Typography.Text type="secondary">{t('detail.actionsScope')}</Typography.Text>
            )
          }
        >
          <Space wrap>
            {visibleActions.map((action) => (
              <Button
                key={action}
                danger={action === 'cancel' || action === 'revert'}
                disabled={!enabled[action] || act.isPending}
                loading={act.isPending && act.variables?.action === action}
                onClick={() => run(action)}
              >
                {t(`action.${action}`)}
                {action === 'retry' && enabled.retry ? ` (${applicableTargets('retry', counts)})` : ''}
              </Button>
            ))}
          </Space>
          <ErrorAlert error={act.error} style={{ marginTop: 16 }} />
        </Card>
      ) : null}

      <Card title={t('detail.progress')}>
        <Row gutter={[24, 16]}>
          <Col xs={12} md={6} lg={4}>
            <Statistic
              title={t('detail.released')}
              value={released}
              formatter={(value) => <span data-testid="campaign-released">{value}</span>}
            />
          </Col>
          <Col xs={12} md={6} lg={4}>
            <Statistic title={t('detail.doneCount')} value={`${done} / ${total}`} />
          </Col>
          <Col xs={12} md={6} lg={4}>
            <Statistic title={t('detail.failed')} value={failed} />
          </Col>
          <Col xs={12} md={6} lg={4}>
            <Statistic
              title={t('detail.throughput')}
              value={t('perMinute', { rate: formatRate(data.progress.throughputPerMinute) })}
            />
          </Col>
          <Col xs={12} md={6} lg={4}>
            <Statistic
              title={t('detail.recentThroughput')}
              value={recent === null ? '—' : t('perMinute', { rate: formatRate(recent) })}
            />
          </Col>
          <Col xs={12} md={6} lg={4}>
            <Statistic
              title={t('detail.eta')}
              value={done >= total ? '—' : formatDuration(eta)}
              suffix={
                data.progress.etaAt && done < total ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatTime(data.progress.etaAt)}
                  </Typography.Text>
                ) : undefined
              }
            />
          </Col>
        </Row>
        <Progress
          aria-label={t('detail.overall')}
          style={{ marginTop: 16 }}
          percent={percentOf(done, total)}
          success={{ percent: percentOf(released, total) }}
          status={data.status === 'running' ? 'active' : 'normal'}
          format={(percent) => `${percent ?? 0}%`}
        />
        <Typography.Paragraph type="secondary" style={{ marginTop: 4 }}>
          {t('detail.overallHelp')}
        </Typography.Paragraph>
        <div style={{ marginTop: 8 }}>
          {stateBars(counts, total).map((bar) => (
            <Row key={bar.state} align="middle" gutter={12} style={{ marginBottom: 4 }}>
              <Col flex="180px">
                <Tag color={stateColor(bar.state)}>
                  {t(`state.${bar.state}`, { defaultValue: bar.state })}
                </Tag>
              </Col>
              <Col flex="auto">
                <Progress
                  aria-label={t(`state.${bar.state}`, { defaultValue: bar.state })}
                  percent={bar.percent}
                  showInfo
                  format={() => `${bar.count} (${bar.percent}%)`}
                  status="normal"
                  strokeColor={BAR_COLOR[stateColor(bar.state)]}
                  size="small"
                />
              </Col>
            </Row>
          ))}
        </div>
      </Card>

      <Card title={t('detail.quota')}>
        {data.quota ? (
          <>
            <Row gutter={[24, 16]}>
              <Col xs={12} md={6}>
                <Statistic
                  title={t('detail.quotaLeft')}
                  value={data.quota.left}
                  suffix={`/ ${data.quota.limit}`}
                />
              </Col>
              <Col xs={12} md={6}>
                <Statistic title={t('detail.quotaReserve')} value={data.quota.reserve} />
              </Col>
              <Col xs={12} md={6}>
                <Statistic title={t('detail.quotaAvailable')} value={data.quota.availableToCampaign} />
              </Col>
              <Col xs={12} md={6}>
                <Statistic title={t('detail.quotaReadAt')} value={formatTime(data.quota.readAt)} />
              </Col>
            </Row>
            <Progress
              aria-label={t('detail.quotaLeft')}
              style={{ marginTop: 16 }}
              percent={percentOf(data.quota.left, data.quota.limit)}
              format={() => `${data.quota?.left ?? 0} / ${data.quota?.limit ?? 0}`}
              status="normal"
              strokeColor={data.quota.availableToCampaign === 0 ? BAR_COLOR['error'] : undefined}
            />
            {data.quota.availableToCampaign === 0 && data.status === 'running' ? (
              <Typography.Paragraph strong>{t('detail.quotaExhausted')}</Typography.Paragraph>
            ) : null}
          </>
        ) : (
          <Typography.Text type="secondary">{t('detail.quotaUnread')}</Typography.Text>
        )}
      </Card>

      <Card
        title={t('detail.targets')}
        extra={
          <Select<string>
            allowClear
            aria-label={t('detail.stateFilter')}
            placeholder={t('detail.stateFilter')}
            style={{ width: 220 }}
            value={stateFilter}
            onChange={(state) => setTargetParams({ state, cursor: undefined })}
            options={TARGET_STATES.map((state) => ({
              value: state,
              label: `${t(`state.${state}`)} (${counts[state] ?? 0})`,
            }))}
          />
        }
      >
        <ErrorAlert error={targets.error} />
        <Table<CampaignTargetRow>
          rowKey="authorizerAppid"
          size="small"
          loading={targets.isPending}
          dataSource={targets.data?.items}
          pagination={false}
          rowSelection={
            visibleActions.length > 0
              ? {
                  selectedRowKeys: selected,
                  preserveSelectedRowKeys: true,
                  onChange: (keys) => setSelected(keys.map(String)),
                  getCheckboxProps: (row) => ({
                    'aria-label': t('detail.selectTarget', { appid: row.authorizerAppid }),
                  }),
                }
              : undefined
          }
          locale={{
            emptyText: (
              <Empty description={stateFilter ? t('detail.noTargetsInState') : t('detail.noTargets')} />
            ),
          }}
          columns={[
            { title: '#', dataIndex: 'ordinal', width: 64 },
            {
              title: t('detail.col.appid'),
              dataIndex: 'authorizerAppid',
              render: (appid: string) => <Link to={`/accounts/${appid}`}>{appid}</Link>,
            },
            {
              title: t('detail.col.bizRef'),
              dataIndex: 'bizRef',
              render: (value: string | null) => value ?? '—',
            },
            {
              title: t('detail.col.state'),
              dataIndex: 'state',
              render: (state: string) => (
                <Tag color={stateColor(state)}>{t(`state.${state}`, { defaultValue: state })}</Tag>
              ),
            },
            {
              title: t('detail.col.step'),
              dataIndex: 'step',
              render: (value: string | null) => value ?? '—',
            },
            { title: t('detail.col.attempt'), dataIndex: 'attempt' },
            {
              title: t('detail.col.auditId'),
              dataIndex: 'auditId',
              render: (value: number | null) => value ?? '—',
            },
            {
              title: t('detail.col.error'),
              key: 'error',
              render: (_, row) =>
                row.errcode !== null || row.message || row.reason ? (
                  <Space orientation="vertical" size={0} style={{ maxWidth: 420 }}>
                    {row.reason ? <Typography.Text strong>{row.reason}</Typography.Text> : null}
                    {row.errcode !== null || row.message ? (
                      <Typography.Text>
                        {row.errcode !== null ? <Typography.Text code>{row.errcode}</Typography.Text> : null}
                        {row.message}
                      </Typography.Text>
                    ) : null}
                  </Space>
                ) : (
                  '—'
                ),
            },
            {
              title: t('common:field.updatedAt'),
              dataIndex: 'updatedAt',
              render: (value: string) => formatTime(value),
            },
          ]}
        />
        <Space style={{ marginTop: 12 }}>
          <Button disabled={!cursor} onClick={() => setTargetParams({ cursor: undefined })}>
            {t('detail.firstPage')}
          </Button>
          <Button
            disabled={!targets.data?.nextCursor}
            onClick={() => setTargetParams({ cursor: targets.data?.nextCursor ?? undefined })}
          >
            {t('detail.nextPage')}
          </Button>
        </Space>
      </Card>

      <Card title={t('detail.operations')}>
        <ErrorAlert error={operations.error} />
        <Table<SchemaCampaignOperationSummaryDto>
          rowKey="operationId"
          size="small"
          loading={operations.isPending}
          dataSource={operations.data?.items}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('detail.noOperations')} /> }}
          pagination={{
            current: operationsPage,
            pageSize: OPERATION_PAGE_SIZE,
            total: operations.data?.total,
            showSizeChanger: false,
            onChange: setOperationsPage,
          }}
          columns={[
            {
              title: t('detail.col.operation'),
              dataIndex: 'operation',
              render: (value: string) => t(`operation.${value.replace('.', '_')}`, { defaultValue: value }),
            },
            { title: t('detail.col.requestedBy'), dataIndex: 'requestedBy' },
            {
              title: t('common:field.status'),
              dataIndex: 'status',
              render: (value: string) => (
                <Tag color={value === 'running' ? 'processing' : 'success'}>
                  {t(`operationStatus.${value}`, { defaultValue: value })}
                </Tag>
              ),
            },
            {
              title: t('field.progress'),
              key: 'progress',
              width: 200,
              render: (_, operation) => (
                <Progress
                  aria-label={t('detail.operationProgress', { operation: operation.operation })}
                  percent={percentOf(operation.total - operation.pending, operation.total)}
                  format={() => `${operation.total - operation.pending}/${operation.total}`}
                  status={operation.status === 'running' ? 'active' : 'normal'}
                  size="small"
                />
              ),
            },
            {
              title: t('detail.col.outcomes'),
              dataIndex: 'outcomes',
              render: (outcomes: Record<string, number>) => (
                <Space size={4} wrap>
                  {Object.entries(outcomes)
                    .filter(([, n]) => n > 0)
                    .map(([outcome, n]) => (
                      <Tag
                        key={outcome}
                        color={outcome === 'done' ? 'success' : outcome === 'failed' ? 'error' : 'default'}
                      >
                        {t(`outcome.${outcome}`, { defaultValue: outcome })} {n}
                      </Tag>
                    ))}
                </Space>
              ),
            },
            {
              title: t('common:field.createdAt'),
              dataIndex: 'createdAt',
              render: (value: string) => formatTime(value),
            },
            {
              title: t('field.finishedAt'),
              dataIndex: 'finishedAt',
              render: (value: string | null) => formatTime(value),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

export default function CampaignDetailPage() {
  const { t } = useTranslation('campaigns');
  const { campaignId } = useParams();
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('detail.title')}
      </Typography.Title>
      <Typography.Paragraph>
        <Link to="/campaigns">{t('backToList')}</Link>
      </Typography.Paragraph>
      {campaignId ? (
        <Detail key={campaignId} campaignId={campaignId} />
      ) : (
        <Empty description={t('detail.notFound')} />
      )}
    </>
  );
}
