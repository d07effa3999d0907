import { SyncOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Avatar,
  Button,
  Card,
  Empty,
  Input,
  Progress,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import { api, unwrap } from '../../api/client';
import { isApiError } from '../../api/errors';
import type { SchemaAuthorizerSummaryDto, SchemaSyncRunDto } from '../../api/schema';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDuration, formatTime } from '../../components/format';
import { RequireComponent } from '../../components/RequireComponent';
import {
  AUTHORIZER_STATUSES,
  AUTHORIZER_TYPES,
  PAGE_SIZE,
  filtersFromParams,
  filtersToParams,
  filtersToQuery,
  searchAction,
  type AccountFilters,
} from './filters';
import './messages';
import { syncProgress, syncRunning } from './sync';

const SYNC_COLOR: Record<SchemaSyncRunDto['status'], string> = {
  running: 'processing',
  succeeded: 'success',
  partial: 'warning',
  failed: 'error',
};

/** The latest full sync: started here, or by another operator, or on schedule; polled while it runs. */
function SyncCard({ componentAppid }: { componentAppid: string }) {
  const { t } = useTranslation('accounts');
  const { can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const mayStart = can('POST /admin/v1/components/{componentAppid}/syncs');

  const latest = useQuery({
    queryKey: ['syncs', componentAppid, 'latest'],
    queryFn: async () => {
      try {
        return await unwrap(
          api.GET('/admin/v1/components/{componentAppid}/syncs/latest', {
            params: { path: { componentAppid } },
          }),
        );
      } catch (error) {
        // No sync ever ran for this component.
        if (isApiError(error, 'sync_not_found')) return null;
        throw error;
      }
    },
    refetchInterval: (query) => (syncRunning(query.state.data ?? undefined) ? 2_000 : false),
  });
  const running = syncRunning(latest.data ?? undefined);

  // When a run ends, the list has changed: show it.
  const wasRunning = useRef(false);
  useEffect(() => {
    if (wasRunning.current && !running)
      void queryClient.invalidateQueries({ queryKey: ['authorizers', componentAppid] });
    wasRunning.current = running;
  }, [running, queryClient, componentAppid]);

  const start = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/admin/v1/components/{componentAppid}/syncs', { params: { path: { componentAppid } } }),
      ),
    onSuccess: (run) => {
      queryClient.setQueryData(['syncs', componentAppid, 'latest'], run);
      void message.success(t('sync.started'));
    },
  });

  const run = latest.data;
  const progress = run ? syncProgress(run) : undefined;
  return (
    <Card
      title={t('sync.title')}
      data-testid="sync-card"
      extra={
        mayStart ? (
          <Button
            icon={<SyncOutlined spin={running} />}
            loading={start.isPending}
            disabled={running}
            onClick={() => start.mutate()}
          >
            {running ? t('sync.running') : t('sync.start')}
          </Button>
        ) : null
      }
    >
      <ErrorAlert error={latest.error ?? start.error} style={{ marginBottom: 16 }} />
      {latest.isPending ? (
        <Typography.Text>{t('sync.loading')}</Typography.Text>
      ) : run ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Tag color={SYNC_COLOR[run.status]} data-testid="sync-status">
              {t(`sync.status.${run.status}`)}
            </Tag>
            <Typography.Text>
              {t('sync.startedAt', { time: formatTime(run.startedAt) })}
              {run.finishedAt ? ` · ${t('sync.finishedAt', { time: formatTime(run.finishedAt) })}` : ''}
            </Typography.Text>
          </Space>
          {progress ? (
            <Progress
              percent={progress.percent ?? 0}
              status={progress.status}
              aria-label={t('sync.progress')}
              format={(percent) => (progress.percent === undefined ? t('sync.counting') : `${percent}%`)}
            />
          ) : null}
          <Typography.Text>
            {t('sync.counts', {
              listed: run.listed,
              total: run.totalCount ?? '?',
              discovered: run.discovered,
              refreshed: run.profilesRefreshed,
              unauthorized: run.markedUnauthorized,
              failed: run.failed,
            })}
            {running && progress?.etaSeconds !== undefined
              ? ` · ${t('sync.eta', { eta: formatDuration(progress.etaSeconds) })}`
              : ''}
          </Typography.Text>
          {!running && !run.complete ? (
            <Typography.Text type="warning">{t('sync.incomplete')}</Typography.Text>
          ) : null}
          {run.error ? <Typography.Text type="danger">{run.error}</Typography.Text> : null}
        </Space>
      ) : (
        <Typography.Text>{mayStart ? t('sync.never') : t('sync.neverViewer')}</Typography.Text>
      )}
    </Card>
  );
}

function Accounts({ componentAppid }: { componentAppid: string }) {
  const { t } = useTranslation('accounts');
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const [name, setName] = useState(filters.name ?? '');
  const [bizRef, setBizRef] = useState(filters.bizRef ?? '');
  // Back and forward change the URL: show its search in the inputs.
  const [shown, setShown] = useState(filters);
  if (shown !== filters) {
    setShown(filters);
    setName(filters.name ?? '');
    setBizRef(filters.bizRef ?? '');
  }

  const list = useQuery({
    queryKey: ['authorizers', componentAppid, filters],
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/components/{componentAppid}/authorizers', {
          params: { path: { componentAppid }, query: filtersToQuery(filters) },
        }),
      ),
    placeholderData: keepPreviousData,
  });

  /** A new search goes into the URL; the same search again reads the list again (same query key). */
  const update = (next: Partial<AccountFilters>) => {
    const action = searchAction(filters, next);
    if (action.kind === 'refetch') void list.refetch();
    else setParams(action.params);
  };
  const filtered = Boolean(filters.name || filters.bizRef || filters.status || filters.type);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <SyncCard componentAppid={componentAppid} />
      <Card title={t('list.title')}>
        <Space wrap style={{ marginBottom: 16 }}>
          <Input.Search
            aria-label={t('list.search')}
            placeholder={t('list.searchPlaceholder')}
            allowClear
            style={{ width: 300 }}
            value={name}
            onChange={(event) => setName(event.target.value)}
            onSearch={(value) => update({ name: value, bizRef })}
            enterButton={t('common:action.search')}
            maxLength={64}
          />
          <Input
            aria-label={t('list.bizRef')}
            placeholder={t('list.bizRef')}
            allowClear
            style={{ width: 180 }}
            value={bizRef}
            onChange={(event) => setBizRef(event.target.value)}
            onPressEnter={() => update({ name, bizRef })}
            maxLength={128}
          />
          <Select
            allowClear
            aria-label={t('list.type')}
            placeholder={t('list.type')}
            style={{ width: 150 }}
            value={filters.type}
            onChange={(type) => update({ type })}
            options={AUTHORIZER_TYPES.map((value) => ({ value, label: t(`type.${value}`) }))}
          />
          <Select
            allowClear
            aria-label={t('list.status')}
            placeholder={t('list.status')}
            style={{ width: 150 }}
            value={filters.status}
            onChange={(status) => update({ status })}
            options={AUTHORIZER_STATUSES.map((value) => ({ value, label: t(`status.${value}`) }))}
          />
          {filtered ? (
            <Button onClick={() => setParams(new URLSearchParams())}>{t('common:action.reset')}</Button>
          ) : null}
        </Space>
        <ErrorAlert error={list.error} style={{ marginBottom: 16 }} />
        <Table<SchemaAuthorizerSummaryDto>
          rowKey="authorizerAppid"
          loading={list.isPending || list.isFetching}
          dataSource={list.data?.items}
          scroll={{ x: 'max-content' }}
          locale={{
            emptyText: <Empty description={filtered ? t('list.emptyFiltered') : t('list.empty')} />,
          }}
          pagination={{
            current: filters.page,
            pageSize: PAGE_SIZE,
            total: list.data?.total,
            showSizeChanger: false,
            showTotal: (total) => t('list.total', { total }),
            onChange: (page) => setParams(filtersToParams({ ...filters, page })),
          }}
          columns={[
            {
              title: t('field.nickName'),
              dataIndex: 'nickName',
              render: (nickName: string | null, row) => (
                <Space>
                  <Avatar
                    src={row.headImg ?? undefined}
                    alt={t('detail.headImgAlt', { name: nickName ?? row.authorizerAppid })}
                    size="small"
                  >
                    {(nickName ?? row.authorizerAppid).slice(0, 1)}
                  </Avatar>
                  {nickName ?? '—'}
                </Space>
              ),
            },
            {
              title: t('field.appid'),
              dataIndex: 'authorizerAppid',
              render: (appid: string) => (
                <Link to={`/accounts/${encodeURIComponent(appid)}`} data-testid="account-link">
                  {appid}
                </Link>
              ),
            },
            {
              title: t('field.type'),
              dataIndex: 'authorizerType',
              render: (type: SchemaAuthorizerSummaryDto['authorizerType']) =>
                type ? t(`type.${type}`) : '—',
            },
            {
              title: t('field.status'),
              dataIndex: 'status',
              render: (status: SchemaAuthorizerSummaryDto['status']) => (
                <Tag color={status === 'authorized' ? 'success' : 'default'}>{t(`status.${status}`)}</Tag>
              ),
            },
            { title: t('field.bizRef'), dataIndex: 'bizRef', render: (value: string | null) => value ?? '—' },
            {
              title: t('field.authorizedAt'),
              dataIndex: 'authorizedAt',
              render: (value: string | null) => formatTime(value),
            },
            {
              title: t('field.credential'),
              dataIndex: 'credentialStatus',
              render: (value: SchemaAuthorizerSummaryDto['credentialStatus']) =>
                value ? (
                  <Tag color={value === 'active' ? 'success' : 'error'}>{t(`credential.${value}`)}</Tag>
                ) : (
                  '—'
                ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

export default function AccountsPage() {
  const { t } = useTranslation('accounts');
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('list.heading')}
      </Typography.Title>
      <RequireComponent>{(componentAppid) => <Accounts componentAppid={componentAppid} />}</RequireComponent>
    </>
  );
}
