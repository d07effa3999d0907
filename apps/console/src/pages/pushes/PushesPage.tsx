import { LeftOutlined, ReloadOutlined, RightOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Form,
  Input,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearchParams } from 'react-router';

import { api, unwrap } from '../../api/client';
import type { SchemaPushSummaryDto } from '../../api/schema';
import { useComponent } from '../../auth/ComponentProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import './messages';
import {
  eventIdOf,
  filtersFromSearchParams,
  filtersToQuery,
  filtersToSearchParams,
  hasFilters,
  isValidTypeValue,
  nextPage,
  pageNumber,
  previousPage,
  TEXT_MAX,
  type PushFilters,
  type TypeKind,
} from './push-filters';
import { fieldPreview } from './push-format';
import { filtersToForm, formToFilters, type PushFormValues } from './push-form';

const PAGE_SIZE = 20;
const APPID = /^[A-Za-z0-9_-]{1,64}$/;
const KINDS: Array<{ value: TypeKind; label: string }> = [
  { value: 'infoType', label: 'typeKindInfoType' },
  { value: 'msgType', label: 'typeKindMsgType' },
  { value: 'event', label: 'typeKindEvent' },
  { value: 'type', label: 'typeKindType' },
];

function SearchForm({ filters, onSearch }: { filters: PushFilters; onSearch(next: PushFilters): void }) {
  const { t } = useTranslation('pushes');
  const { components } = useComponent();
  const [form] = Form.useForm<PushFormValues>();
  const kind = Form.useWatch('typeKind', form);

  return (
    <Form<PushFormValues>
      form={form}
      name="push-search"
      layout="vertical"
      initialValues={filtersToForm(filters)}
      onFinish={(values) => onSearch(formToFilters(filters, values))}
    >
      <Row gutter={16}>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label={t('component')} name="componentAppid">
            <Select
              allowClear
              showSearch
              placeholder={t('componentAll')}
              options={components.map((component) => ({
                value: component.componentAppid,
                label: component.componentAppid,
              }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item
            label={t('authorizer')}
            name="authorizerAppid"
            rules={[{ pattern: APPID, message: t('authorizerInvalid') }]}
          >
            <Input allowClear placeholder="wx…" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label={t('typeKind')} name="typeKind">
            <Select<TypeKind>
              allowClear
              placeholder={t('typeKindAll')}
              options={KINDS.map((option) => ({ value: option.value, label: t(option.label) }))}
              onChange={() => void form.validateFields(['typeValue'])}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item
            label={t('typeValue')}
            name="typeValue"
            tooltip={t('typeValueHelp')}
            dependencies={['typeKind']}
            rules={[
              {
                validator: (_, value: string | undefined) =>
                  isValidTypeValue(kind, value)
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('typeValueInvalid'))),
              },
            ]}
          >
            <Input
              allowClear
              disabled={!kind}
              placeholder={kind === 'type' ? 'wechat.message.*' : kind === 'infoType' ? 'authorized' : 'text'}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={8}>
          <Form.Item label={t('timeRange')} name="range">
            <DatePicker.RangePicker
              showTime
              allowEmpty={[true, true]}
              style={{ width: '100%' }}
              placeholder={[t('timeStart'), t('timeEnd')]}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={5}>
          <Form.Item label={t('text')} name="text" tooltip={t('textHelp')} rules={[{ max: TEXT_MAX }]}>
            <Input allowClear maxLength={TEXT_MAX} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item
            label={t('eventId')}
            name="eventId"
            tooltip={t('eventIdHelp')}
            rules={[
              {
                // A pasted id may carry spaces: formToFilters trims it.
                validator: (_, value: string | undefined) =>
                  !value?.trim() || eventIdOf(value)
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('eventIdInvalid'))),
              },
            ]}
          >
            <Input allowClear placeholder="0b8c6a1e-5f0e-4c47-…" autoComplete="off" spellCheck={false} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={5} style={{ display: 'flex', alignItems: 'flex-end' }}>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit">
                {t('common:action.search')}
              </Button>
              <Button onClick={() => onSearch({ back: [] })}>{t('common:action.reset')}</Button>
            </Space>
          </Form.Item>
        </Col>
      </Row>
    </Form>
  );
}

export default function PushesPage() {
  const { t } = useTranslation('pushes');
  const location = useLocation();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => filtersFromSearchParams(searchParams), [searchParams]);
  // The form shows the URL's filters: it starts over when they change (back button, reset, a link).
  const formKey = useMemo(() => {
    const params = filtersToSearchParams({ ...filters, cursor: undefined, back: [] });
    return params.toString();
  }, [filters]);
  const go = (next: PushFilters) => setSearchParams(filtersToSearchParams(next));

  const list = useQuery({
    queryKey: ['pushes', filtersToQuery(filters, PAGE_SIZE)],
    queryFn: () =>
      unwrap(api.GET('/admin/v1/pushes', { params: { query: filtersToQuery(filters, PAGE_SIZE) } })),
    placeholderData: keepPreviousData,
  });
  const page = list.data;

  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('title')}
      </Typography.Title>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
        <Card title={t('filters')}>
          <SearchForm key={formKey} filters={filters} onSearch={go} />
        </Card>
        <Card
          title={t('page', { page: pageNumber(filters) })}
          extra={
            <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} loading={list.isFetching}>
              {t('common:action.refresh')}
            </Button>
          }
        >
          <Space orientation="vertical" style={{ width: '100%' }}>
            <ErrorAlert error={list.error} />
            {page?.scanLimited ? <Alert type="info" showIcon title={t('scanLimited')} /> : null}
            <Table<SchemaPushSummaryDto>
              rowKey="id"
              loading={list.isPending}
              dataSource={page?.items}
              pagination={false}
              scroll={{ x: 'max-content' }}
              locale={{
                emptyText: <Empty description={hasFilters(filters) ? t('empty') : t('emptyNoFilter')} />,
              }}
              columns={[
                {
                  title: t('id'),
                  dataIndex: 'id',
                  render: (id: number) => (
                    <Link to={`/pushes/${id}`} state={{ from: location.search }}>
                      #{id}
                    </Link>
                  ),
                },
                {
                  title: t('receivedAt'),
                  dataIndex: 'receivedAt',
                  render: (value: string) => formatTime(value),
                },
                {
                  title: t('type'),
                  dataIndex: 'type',
                  render: (type: string, push) => (
                    <Space size={4} wrap>
                      <Typography.Text code>{type}</Typography.Text>
                      {push.replayOf ? <Tag color="blue">{t('replayed')}</Tag> : null}
                      {push.secretsHashed ? <Tag>{t('secretsHashed')}</Tag> : null}
                    </Space>
                  ),
                },
                { title: t('component'), dataIndex: 'componentAppid' },
                {
                  title: t('authorizerAppid'),
                  dataIndex: 'authorizerAppid',
                  render: (appid: string | null) =>
                    appid ? <Link to={`/accounts/${appid}`}>{appid}</Link> : '—',
                },
                {
                  title: t('summary'),
                  dataIndex: 'fields',
                  render: (fields: Record<string, unknown>) => {
                    const preview = fieldPreview(fields);
                    return (
                      <Tooltip title={preview}>
                        <span style={{ display: 'inline-block', maxWidth: 420, whiteSpace: 'normal' }}>
                          {fieldPreview(fields, 80) || '—'}
                        </span>
                      </Tooltip>
                    );
                  },
                },
              ]}
            />
            <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
              <Button
                icon={<LeftOutlined />}
                disabled={!filters.cursor}
                onClick={() => go(previousPage(filters))}
              >
                {t('previousPage')}
              </Button>
              <Button
                disabled={!page?.nextCursor || list.isPlaceholderData}
                onClick={() => page?.nextCursor && go(nextPage(filters, page.nextCursor))}
              >
                {t('nextPage')}
                <RightOutlined />
              </Button>
            </Space>
          </Space>
        </Card>
      </Space>
    </>
  );
}
