import { useQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { api, unwrap } from '../../api/client';
import type { SchemaAuditEntryDto } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import {
  AUDIT_PAGE_SIZE,
  OUTCOMES,
  auditFiltersFromParams,
  auditFiltersToParams,
  auditQuery,
  hasFilters,
  prettyDetails,
  type AuditFilters,
  type AuditOutcome,
} from './audit-logic';
import './messages';

interface FilterValues {
  actor?: string;
  action?: string;
  target?: string;
  outcome?: AuditOutcome;
  range?: [Dayjs | null, Dayjs | null] | null;
  text?: string;
}

function EntryDetail({ entry }: { entry: SchemaAuditEntryDto }) {
  const { t } = useTranslation('audit');
  const details = prettyDetails(entry.details);
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid={`audit-detail-${entry.id}`}>
      <Descriptions
        size="small"
        column={{ xs: 1, md: 2 }}
        items={[
          {
            key: 'request',
            label: t('request'),
            children: entry.method || entry.path ? `${entry.method ?? ''} ${entry.path ?? ''}`.trim() : '—',
          },
          { key: 'ip', label: t('ip'), children: entry.ip ?? '—' },
          { key: 'userAgent', label: t('userAgent'), children: entry.userAgent ?? '—' },
          {
            key: 'correlationId',
            label: t('correlationId'),
            children: entry.correlationId ? (
              <Typography.Text copyable>{entry.correlationId}</Typography.Text>
            ) : (
              '—'
            ),
          },
          { key: 'errorCode', label: t('errorCode'), children: entry.errorCode ?? '—' },
        ]}
      />
      <Typography.Text strong>{t('details')}</Typography.Text>
      {details ? (
        <pre
          style={{
            maxHeight: 400,
            overflow: 'auto',
            background: '#f6f6f6',
            color: '#1f1f1f',
            padding: 12,
            margin: 0,
          }}
        >
          {details}
        </pre>
      ) : (
        <Typography.Text>{t('noDetails')}</Typography.Text>
      )}
    </Space>
  );
}

export default function AuditLogPage() {
  const { t } = useTranslation('audit');
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = auditFiltersFromParams(searchParams);
  const setFilters = (next: AuditFilters) => setSearchParams(auditFiltersToParams(next), { replace: true });

  const log = useQuery({
    queryKey: ['audit-log', filters],
    queryFn: () => unwrap(api.GET('/admin/v1/audit-log', { params: { query: auditQuery(filters) } })),
    placeholderData: (previous) => previous,
  });

  const initialValues: FilterValues = {
    actor: filters.actor,
    action: filters.action,
    target: filters.target,
    outcome: filters.outcome,
    text: filters.text,
    range:
      filters.from || filters.to
        ? [filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null]
        : undefined,
  };

  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('title')}
      </Typography.Title>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
        <Card>
          <Form<FilterValues>
            key={searchParams.toString()}
            layout="inline"
            name="audit-filters"
            initialValues={initialValues}
            style={{ rowGap: 12 }}
            onFinish={(values) =>
              setFilters({
                actor: values.actor?.trim() || undefined,
                action: values.action?.trim() || undefined,
                target: values.target?.trim() || undefined,
                outcome: values.outcome,
                text: values.text?.trim() || undefined,
                from: values.range?.[0]?.toISOString(),
                to: values.range?.[1]?.toISOString(),
                page: 1,
              })
            }
          >
            <Form.Item label={t('actor')} name="actor">
              <Input allowClear placeholder={t('actorPlaceholder')} style={{ width: 160 }} maxLength={64} />
            </Form.Item>
            <Form.Item label={t('action')} name="action">
              <Input allowClear placeholder={t('actionPlaceholder')} style={{ width: 220 }} maxLength={128} />
            </Form.Item>
            <Form.Item label={t('target')} name="target">
              <Input allowClear placeholder={t('targetPlaceholder')} style={{ width: 200 }} maxLength={255} />
            </Form.Item>
            <Form.Item label={t('outcome')} name="outcome">
              <Select<AuditOutcome>
                allowClear
                placeholder={t('anyOutcome')}
                style={{ width: 120 }}
                options={OUTCOMES.map((outcome) => ({ value: outcome, label: t(outcome) }))}
              />
            </Form.Item>
            <Form.Item label={t('timeRange')} name="range">
              <DatePicker.RangePicker showTime allowEmpty={[true, true]} placeholder={[t('from'), t('to')]} />
            </Form.Item>
            <Form.Item label={t('text')} name="text">
              <Input allowClear placeholder={t('textPlaceholder')} style={{ width: 260 }} maxLength={128} />
            </Form.Item>
            <Space>
              <Button type="primary" htmlType="submit">
                {t('common:action.search')}
              </Button>
              <Button onClick={() => setFilters({ page: 1 })}>{t('common:action.reset')}</Button>
            </Space>
          </Form>
        </Card>
        <ErrorAlert error={log.error} />
        <Table<SchemaAuditEntryDto>
          rowKey="id"
          aria-label={t('title')}
          loading={log.isPending}
          dataSource={log.data?.items}
          locale={{
            emptyText: <Empty description={hasFilters(filters) ? t('emptyFiltered') : t('empty')} />,
          }}
          pagination={{
            current: filters.page,
            pageSize: AUDIT_PAGE_SIZE,
            total: log.data?.total,
            onChange: (page) => setFilters({ ...filters, page }),
            showSizeChanger: false,
            showTotal: (total) => t('total', { total }),
          }}
          expandable={{ expandedRowRender: (entry) => <EntryDetail entry={entry} /> }}
          columns={[
            { title: t('at'), dataIndex: 'at', width: 180, render: (value: string) => formatTime(value) },
            {
              title: t('actor'),
              key: 'actor',
              render: (_, entry) =>
                entry.actor.username ? (
                  <Space size="small">
                    {entry.actor.username}
                    {entry.actor.role ? (
                      <Tag>{t(`common:role.${entry.actor.role}`, entry.actor.role)}</Tag>
                    ) : null}
                  </Space>
                ) : (
                  t('system')
                ),
            },
            {
              title: t('action'),
              dataIndex: 'action',
              render: (action: string) => <Typography.Text code>{action}</Typography.Text>,
            },
            { title: t('target'), dataIndex: 'target', render: (target: string | null) => target ?? '—' },
            {
              title: t('outcome'),
              dataIndex: 'outcome',
              render: (outcome: AuditOutcome, entry) => (
                <Space size="small">
                  <Tag color={outcome === 'success' ? 'success' : 'error'}>{t(outcome)}</Tag>
                  {entry.errorCode ? <Typography.Text code>{entry.errorCode}</Typography.Text> : null}
                </Space>
              ),
            },
          ]}
        />
      </Space>
    </>
  );
}
