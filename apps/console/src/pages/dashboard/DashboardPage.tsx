import { useQueries, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Card,
  Col,
  Descriptions,
  Empty,
  Progress,
  Row,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { lazy, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api, unwrap } from '../../api/client';
import type {
  SchemaCampaignDto,
  SchemaCredentialHealthDto,
  SchemaDashboardDto,
  SchemaDeadLetterDepthDto,
  SchemaFailingRuleDto,
  SchemaQuotaLeftDto,
} from '../../api/schema';
import { useAuth } from '../../auth/AuthProvider';
import { useComponent } from '../../auth/ComponentProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDuration, formatTime } from '../../components/format';
import {
  authorizerTable,
  buildPushChart,
  campaignTotals,
  isUnavailable,
  secondsUntil,
  STATE_HEALTH,
  ticketState,
  tokenState,
  type AuthorizerType,
  type CampaignStatus,
  type DashboardSection,
  type Health,
} from './dashboard';
import './messages';

const PushChart = lazy(() => import('./PushChart'));

const REFRESH = 15_000;
/** Dark enough for white text (WCAG AA), unlike the light status presets. */
const HEALTH_COLOR: Record<Health, string> = { ok: '#237804', warning: '#ad4e00', error: '#a8071a' };
const TYPES: AuthorizerType[] = ['official_account', 'mini_program', 'unknown'];
const CAMPAIGN_STATUSES: CampaignStatus[] = ['running', 'paused', 'cancelled', 'finished'];

function HealthTag({ health, children }: { health: Health; children: React.ReactNode }) {
  return (
    <Tag color={HEALTH_COLOR[health]} style={{ marginInlineEnd: 8 }}>
      {children}
    </Tag>
  );
}

/** A section's body, or why it is missing. */
function Section({
  dashboard,
  section,
  children,
}: {
  dashboard: SchemaDashboardDto | undefined;
  section: DashboardSection;
  children: React.ReactNode;
}) {
  const { t } = useTranslation('dashboard');
  if (!dashboard) return <Spin />;
  if (isUnavailable(dashboard, section))
    return <Alert type="warning" showIcon title={t('sectionUnavailable')} />;
  return <>{children}</>;
}

function StatCard({
  title,
  value,
  unavailable,
  loading,
  link,
}: {
  title: string;
  value: number | undefined;
  unavailable: boolean;
  loading: boolean;
  link?: React.ReactNode;
}) {
  const { t } = useTranslation('dashboard');
  return (
    <Card size="small" style={{ height: '100%' }}>
      <Statistic title={title} value={unavailable ? '—' : value} loading={loading} />
      {unavailable ? <Typography.Text type="secondary">{t('sectionUnavailable')}</Typography.Text> : link}
    </Card>
  );
}

function QuotaText({ quota }: { quota: SchemaQuotaLeftDto | undefined }) {
  const { t } = useTranslation('dashboard');
  if (!quota) return <>—</>;
  if (!quota.quota) {
    return (
      <>
        {quota.reason === 'no_authorized_mini_program' || !quota.reason
          ? t('quotaReason.no_authorized_mini_program')
          : t('quotaReason.other', { reason: quota.reason })}
      </>
    );
  }
  return (
    <Space orientation="vertical" size={0}>
      <span>{t('quotaRest', { rest: quota.quota.rest, limit: quota.quota.limit })}</span>
      <span>{t('quotaSpeedup', { rest: quota.quota.speedupRest, limit: quota.quota.speedupLimit })}</span>
      {quota.authorizerAppid ? (
        <Typography.Text type="secondary">
          {t('quotaReadWith', { appid: quota.authorizerAppid })}
        </Typography.Text>
      ) : null}
    </Space>
  );
}

function ComponentCard({
  componentAppid,
  health,
  healthError,
  healthAt,
  dashboard,
}: {
  componentAppid: string;
  health: SchemaCredentialHealthDto | undefined;
  healthError: unknown;
  healthAt: number;
  dashboard: SchemaDashboardDto | undefined;
}) {
  const { t } = useTranslation('dashboard');
  const authorizers = authorizerTable(dashboard?.authorizers ?? [], componentAppid);
  const quota = dashboard?.quotaLeft?.find((item) => item.componentAppid === componentAppid);
  const ticket = health ? ticketState(health) : undefined;
  const token = health ? tokenState(health, healthAt) : undefined;
  const expiresIn = secondsUntil(health?.componentTokenExpiresAt, healthAt);

  return (
    <Card title={<Typography.Text code>{componentAppid}</Typography.Text>} style={{ height: '100%' }}>
      <ErrorAlert error={healthError} style={{ marginBottom: 12 }} />
      {!health && !healthError ? <Spin /> : null}
      {health ? (
        <Descriptions
          size="small"
          column={1}
          items={[
            {
              key: 'ticket',
              label: (
                <Tooltip title={t('ticketHelp')}>
                  <span>{t('ticket')}</span>
                </Tooltip>
              ),
              children: (
                <span>
                  <HealthTag health={STATE_HEALTH[ticket!]}>{t(`ticketState.${ticket!}`)}</HealthTag>
                  {health.ticketAgeSeconds !== undefined
                    ? t('ticketAge', { age: formatDuration(health.ticketAgeSeconds) })
                    : null}
                </span>
              ),
            },
            {
              key: 'token',
              label: t('token'),
              children: (
                <Space orientation="vertical" size={0}>
                  <span>
                    <HealthTag health={STATE_HEALTH[token!]}>{t(`tokenState.${token!}`)}</HealthTag>
                    {expiresIn !== undefined && expiresIn > 0
                      ? t('tokenExpiresIn', { time: formatDuration(expiresIn) })
                      : null}
                  </span>
                  {health.componentTokenRefreshFailures > 0 ? (
                    <span>
                      {t('refreshFailures', { count: health.componentTokenRefreshFailures })}
                      {health.componentTokenRetryAt
                        ? `, ${t('retryAt', { time: formatTime(health.componentTokenRetryAt) })}`
                        : null}
                    </span>
                  ) : null}
                  {health.componentTokenLastError ? (
                    <span>
                      {t('lastError')}: {health.componentTokenLastError.errcode ?? ''}{' '}
                      {health.componentTokenLastError.message}
                    </span>
                  ) : null}
                </Space>
              ),
            },
            {
              key: 'byState',
              label: t('authorizersByState'),
              children: (
                <Space wrap size={[16, 0]}>
                  {(['active', 'invalid', 'revoked'] as const).map((state) => (
                    <span key={state}>
                      {t(`byState.${state}`)}: <strong>{health.authorizersByState[state]}</strong>
                    </span>
                  ))}
                </Space>
              ),
            },
          ]}
        />
      ) : null}
      <Typography.Title level={3} style={{ fontSize: 14, marginTop: 12 }}>
        {t('section.authorizers')}
      </Typography.Title>
      <Section dashboard={dashboard} section="authorizers">
        <Table
          size="small"
          pagination={false}
          rowKey="status"
          dataSource={(['authorized', 'unauthorized'] as const).map((status) => ({
            status,
            ...authorizers[status],
          }))}
          columns={[
            {
              title: t('common:field.status'),
              dataIndex: 'status',
              render: (status: 'authorized' | 'unauthorized') => t(`status.${status}`),
            },
            ...TYPES.map((type) => ({ title: t(`authorizerType.${type}`), dataIndex: type })),
          ]}
        />
      </Section>
      <Typography.Title level={3} style={{ fontSize: 14, marginTop: 12 }}>
        {t('quota')}
      </Typography.Title>
      <Section dashboard={dashboard} section="quotaLeft">
        <QuotaText quota={quota} />
      </Section>
    </Card>
  );
}

function DeadLetterCard({ dashboard }: { dashboard: SchemaDashboardDto | undefined }) {
  const { t } = useTranslation('dashboard');
  return (
    <Card
      title={t('deadLetters')}
      extra={<Link to="/dead-letters">{t('viewDeadLetters')}</Link>}
      style={{ height: '100%' }}
    >
      <Section dashboard={dashboard} section="deadLetters">
        <Table<SchemaDeadLetterDepthDto>
          size="small"
          rowKey="queue"
          pagination={false}
          dataSource={dashboard?.deadLetters ?? []}
          locale={{ emptyText: <Empty description={t('deadLettersEmpty')} /> }}
          columns={[
            {
              title: t('queue'),
              dataIndex: 'queue',
              render: (queue: string) => (
                <Link to={`/dead-letters?queue=${encodeURIComponent(queue)}`}>{queue}</Link>
              ),
            },
            {
              title: t('depth'),
              dataIndex: 'depth',
              render: (depth: number) => (depth > 0 ? <HealthTag health="error">{depth}</HealthTag> : depth),
            },
            {
              title: t('oldestAge'),
              dataIndex: 'oldestAgeSeconds',
              render: (seconds?: number) => formatDuration(seconds),
            },
          ]}
        />
      </Section>
    </Card>
  );
}

function FailingRulesCard({ dashboard }: { dashboard: SchemaDashboardDto | undefined }) {
  const { t } = useTranslation('dashboard');
  return (
    <Card title={t('failingRules')} style={{ height: '100%' }}>
      <Section dashboard={dashboard} section="failingForwardingRules">
        <Table<SchemaFailingRuleDto>
          size="small"
          rowKey="ruleId"
          pagination={false}
          dataSource={dashboard?.failingForwardingRules ?? []}
          locale={{ emptyText: <Empty description={t('failingRulesEmpty')} /> }}
          columns={[
            {
              title: t('rule'),
              dataIndex: 'name',
              render: (name: string, rule) => (
                <Link to={`/forwarding/${encodeURIComponent(rule.ruleId)}`}>{name}</Link>
              ),
            },
            { title: t('failedDeliveries'), dataIndex: 'failedDeliveries' },
            { title: t('consecutiveFailures'), dataIndex: 'consecutiveFailures' },
            { title: t('lastError'), dataIndex: 'lastError', render: (value?: string) => value ?? '—' },
          ]}
        />
      </Section>
    </Card>
  );
}

function CampaignsCard({
  dashboard,
  running,
  runningError,
  mayList,
}: {
  dashboard: SchemaDashboardDto | undefined;
  running: SchemaCampaignDto[] | undefined;
  runningError: unknown;
  mayList: boolean;
}) {
  const { t } = useTranslation('dashboard');
  const totals = campaignTotals(dashboard?.campaigns ?? []);
  return (
    <Card title={t('campaigns')} style={{ height: '100%' }}>
      <Section dashboard={dashboard} section="campaigns">
        <Space wrap size={[16, 4]}>
          {CAMPAIGN_STATUSES.map((status) => (
            <span key={status}>
              {t(`campaignStatus.${status}`)}: <strong>{totals[status]}</strong>
            </span>
          ))}
        </Space>
      </Section>
      {mayList ? (
        <>
          <Typography.Title level={3} style={{ fontSize: 14, marginTop: 16 }}>
            {t('runningCampaigns')}
          </Typography.Title>
          <ErrorAlert error={runningError} />
          <Table<SchemaCampaignDto>
            size="small"
            rowKey="campaignId"
            pagination={false}
            loading={!running && !runningError}
            dataSource={running ?? []}
            locale={{ emptyText: <Empty description={t('runningEmpty')} /> }}
            columns={[
              {
                title: t('campaign'),
                dataIndex: 'campaignId',
                render: (id: string, campaign) => (
                  <Link to={`/campaigns/${encodeURIComponent(id)}`}>
                    {campaign.userVersion} ({campaign.componentAppid})
                  </Link>
                ),
              },
              {
                title: t('progress'),
                key: 'progress',
                render: (_, campaign) => (
                  <Progress
                    size="small"
                    aria-label={t('progress')}
                    percent={
                      campaign.progress.total > 0
                        ? Math.floor((campaign.progress.done / campaign.progress.total) * 100)
                        : 0
                    }
                    format={() => `${campaign.progress.done}/${campaign.progress.total}`}
                  />
                ),
              },
            ]}
          />
        </>
      ) : null}
    </Card>
  );
}

function Dashboard() {
  const { t } = useTranslation('dashboard');
  const { can } = useAuth();
  const { components, loading: componentsLoading, error: componentsError } = useComponent();
  const mayListCampaigns = can('GET /admin/v1/campaigns');
  const mayReadCredentials = can('GET /admin/v1/components/{componentAppid}/credentials');

  const query = useQuery({
    queryKey: ['dashboard'],
    queryFn: () => unwrap(api.GET('/admin/v1/dashboard')),
    refetchInterval: REFRESH,
  });
  const running = useQuery({
    queryKey: ['dashboard', 'running-campaigns'],
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/campaigns', {
          params: { query: { status: 'running', limit: 10, order: 'desc' } },
        }),
      ),
    enabled: mayListCampaigns,
    refetchInterval: REFRESH,
  });
  const credentials = useQueries({
    queries: components.map(({ componentAppid }) => ({
      queryKey: ['dashboard', 'credentials', componentAppid],
      queryFn: () =>
        unwrap(
          api.GET('/admin/v1/components/{componentAppid}/credentials', {
            params: { path: { componentAppid } },
          }),
        ),
      enabled: mayReadCredentials,
      refetchInterval: REFRESH,
    })),
  });

  const dashboard = query.data;
  const chart = useMemo(
    () =>
      dashboard?.pushesPerMinute
        ? buildPushChart(dashboard.pushesPerMinute, dashboard.generatedAt)
        : undefined,
    [dashboard],
  );
  const authorizers = authorizerTable(dashboard?.authorizers ?? []);
  const dlqDepth = (dashboard?.deadLetters ?? []).reduce((sum, queue) => sum + queue.depth, 0);
  const loading = query.isPending;
  const unavailable = (section: DashboardSection) => isUnavailable(dashboard, section);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <ErrorAlert error={query.error} />
      {dashboard ? (
        <Typography.Text type="secondary">
          {t('generatedAt', { time: formatTime(dashboard.generatedAt) })}
        </Typography.Text>
      ) : null}
      {dashboard && dashboard.unavailable.length > 0 ? (
        <Alert
          type="warning"
          showIcon
          title={t('unavailableTitle')}
          description={t('unavailableText', {
            sections: dashboard.unavailable.map((section) => t(`section.${section}`)).join('、'),
          })}
        />
      ) : null}

      <Row gutter={[16, 16]}>
        <Col xs={12} md={8} xl={4}>
          <StatCard
            title={t('stat.authorized')}
            value={authorizers.authorized.total}
            unavailable={unavailable('authorizers')}
            loading={loading}
            link={<Link to="/accounts">{t('common:nav.accounts')}</Link>}
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <StatCard
            title={t('stat.unauthorized')}
            value={authorizers.unauthorized.total}
            unavailable={unavailable('authorizers')}
            loading={loading}
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <StatCard
            title={t('stat.pushesLastHour')}
            value={chart?.total}
            unavailable={unavailable('pushesPerMinute')}
            loading={loading}
            link={<Link to="/pushes">{t('viewPushes')}</Link>}
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <StatCard
            title={t('stat.deadLetters')}
            value={dlqDepth}
            unavailable={unavailable('deadLetters')}
            loading={loading}
            link={<Link to="/dead-letters">{t('viewDeadLetters')}</Link>}
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <StatCard
            title={t('stat.failingRules')}
            value={dashboard?.failingForwardingRules?.length}
            unavailable={unavailable('failingForwardingRules')}
            loading={loading}
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <StatCard
            title={t('stat.runningCampaigns')}
            value={campaignTotals(dashboard?.campaigns ?? []).running}
            unavailable={unavailable('campaigns')}
            loading={loading}
          />
        </Col>
      </Row>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card
            title={t('pushes')}
            extra={<Link to="/pushes">{t('viewPushes')}</Link>}
            style={{ height: '100%' }}
          >
            <Section dashboard={dashboard} section="pushesPerMinute">
              {chart && chart.total > 0 ? (
                <Suspense fallback={<Spin />}>
                  <PushChart chart={chart} label={t('chartLabel')} otherLabel={t('otherTypes')} />
                </Suspense>
              ) : (
                <Empty description={t('noPushes')} />
              )}
            </Section>
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <CampaignsCard
            dashboard={dashboard}
            running={running.data?.items}
            runningError={running.error}
            mayList={mayListCampaigns}
          />
        </Col>
      </Row>

      <Typography.Title level={3} style={{ marginBottom: 0 }}>
        {t('credentials')}
      </Typography.Title>
      {componentsError ? <ErrorAlert error={componentsError} /> : null}
      {componentsLoading ? <Spin /> : null}
      {!componentsLoading && !componentsError && components.length === 0 ? (
        <Empty description={t('noComponents')} />
      ) : null}
      <Row gutter={[16, 16]}>
        {components.map(({ componentAppid }, index) => (
          <Col key={componentAppid} xs={24} lg={12} xl={8}>
            <ComponentCard
              componentAppid={componentAppid}
              health={credentials[index]?.data}
              healthError={credentials[index]?.error}
              healthAt={credentials[index]?.dataUpdatedAt ?? 0}
              dashboard={dashboard}
            />
          </Col>
        ))}
      </Row>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <DeadLetterCard dashboard={dashboard} />
        </Col>
        <Col xs={24} xl={12}>
          <FailingRulesCard dashboard={dashboard} />
        </Col>
      </Row>
    </Space>
  );
}

export default function DashboardPage() {
  const { t } = useTranslation('dashboard');
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('title')}
      </Typography.Title>
      <Dashboard />
    </>
  );
}
