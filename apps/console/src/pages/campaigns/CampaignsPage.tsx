import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { api, unwrap } from '../../api/client';
import type { SchemaCampaignDto } from '../../api/schema';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import { RequireComponent } from '../../components/RequireComponent';
import { STATUS_COLOR, formatRate, percentOf } from './campaign-progress';
import {
  CAMPAIGN_STATUSES,
  LIST_SORTS,
  PAGE_SIZE,
  filtersFromParams,
  listQuery,
  paramsFromFilters,
  type CampaignStatus,
  type ListFilters,
  type ListSort,
} from './list-query';
import './messages';

function Campaigns({ componentAppid }: { componentAppid: string }) {
  const { t } = useTranslation('campaigns');
  const { can } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const mayCreate = can('POST /admin/v1/campaigns');
  const update = (change: Partial<ListFilters>) =>
    setParams(paramsFromFilters({ ...filters, page: 1, ...change }), { replace: true });

  const list = useQuery({
    queryKey: ['campaigns', componentAppid, filters],
    queryFn: () =>
      unwrap(api.GET('/admin/v1/campaigns', { params: { query: listQuery(filters, componentAppid) } })),
    placeholderData: keepPreviousData,
    // Running campaigns move: keep their progress current.
    refetchInterval: (query) =>
      query.state.data?.items.some(
        (campaign) => campaign.status === 'running' || campaign.status === 'paused',
      )
        ? 5_000
        : false,
  });

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t('list.intro')}</Typography.Paragraph>
      <Card
        title={t('list.title')}
        extra={
          <Space wrap>
            <Select<CampaignStatus>
              allowClear
              aria-label={t('list.statusFilter')}
              placeholder={t('list.statusFilter')}
              style={{ width: 150 }}
              value={filters.status}
              onChange={(status) => update({ status })}
              options={CAMPAIGN_STATUSES.map((value) => ({ value, label: t(`status.${value}`) }))}
            />
            <Select<ListSort>
              aria-label={t('list.sort')}
              style={{ width: 150 }}
              value={filters.sort}
              onChange={(sort) => update({ sort })}
              options={LIST_SORTS.map((value) => ({ value, label: t(`list.sortBy.${value}`) }))}
            />
            <Select<'asc' | 'desc'>
              aria-label={t('list.order')}
              style={{ width: 110 }}
              value={filters.order}
              onChange={(order) => update({ order })}
              options={[
                { value: 'desc', label: t('list.desc') },
                { value: 'asc', label: t('list.asc') },
              ]}
            />
            {mayCreate ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/campaigns/new')}>
                {t('list.new')}
              </Button>
            ) : null}
          </Space>
        }
      >
        <ErrorAlert error={list.error} />
        <Table<SchemaCampaignDto>
          rowKey="campaignId"
          loading={list.isPending}
          dataSource={list.data?.items}
          locale={{
            emptyText: <Empty description={mayCreate ? t('list.emptyCreate') : t('list.empty')} />,
          }}
          pagination={{
            current: filters.page,
            pageSize: PAGE_SIZE,
            total: list.data?.total,
            showSizeChanger: false,
            onChange: (page) => setParams(paramsFromFilters({ ...filters, page })),
          }}
          columns={[
            {
              title: t('field.userVersion'),
              dataIndex: 'userVersion',
              render: (value: string, campaign) => (
                <Link to={`/campaigns/${campaign.campaignId}`}>{value}</Link>
              ),
            },
            { title: t('field.templateId'), dataIndex: 'templateId' },
            {
              title: t('common:field.status'),
              dataIndex: 'status',
              render: (status: string, campaign) => (
                <Space size={4} wrap>
                  <Tag color={STATUS_COLOR[status] ?? 'default'}>
                    {t(`status.${status}`, { defaultValue: status })}
                  </Tag>
                  {campaign.pauseReason ? (
                    <Typography.Text type="secondary">{campaign.pauseReason}</Typography.Text>
                  ) : null}
                </Space>
              ),
            },
            { title: t('field.targets'), dataIndex: 'targets' },
            {
              title: t('field.progress'),
              key: 'progress',
              width: 220,
              render: (_, campaign) => {
                const { done, total } = campaign.progress;
                const released = campaign.counts['released'] ?? 0;
                return (
                  <Progress
                    aria-label={t('list.progressOf', { version: campaign.userVersion })}
                    percent={percentOf(done, total)}
                    success={{ percent: percentOf(released, total) }}
                    status={campaign.status === 'running' ? 'active' : 'normal'}
                    format={() => `${done}/${total}`}
                    size="small"
                  />
                );
              },
            },
            {
              title: t('field.throughput'),
              key: 'throughput',
              render: (_, campaign) =>
                campaign.status === 'running'
                  ? t('perMinute', { rate: formatRate(campaign.progress.throughputPerMinute) })
                  : '—',
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

export default function CampaignsPage() {
  const { t } = useTranslation('campaigns');
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('list.title')}
      </Typography.Title>
      <RequireComponent>{(componentAppid) => <Campaigns componentAppid={componentAppid} />}</RequireComponent>
    </>
  );
}
