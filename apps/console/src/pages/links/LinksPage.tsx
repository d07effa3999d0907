import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Empty,
  Form,
  Image,
  Input,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api, unwrap } from '../../api/client';
import type {
  SchemaAuthorizationLinkDto,
  SchemaAuthorizationLinkSummaryDto,
  SchemaCreateLinkDto,
} from '../../api/schema';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import { RequireComponent } from '../../components/RequireComponent';
import './messages';

type LinkState = SchemaAuthorizationLinkSummaryDto['state'];
const STATE_COLOR: Record<LinkState, string> = { open: 'processing', used: 'success', expired: 'default' };
const PAGE_SIZE = 20;

function Links({ componentAppid }: { componentAppid: string }) {
  const { t } = useTranslation('links');
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const [state, setState] = useState<LinkState>();
  const [page, setPage] = useState(1);
  const [created, setCreated] = useState<SchemaAuthorizationLinkDto>();
  const mayCreate = can('POST /admin/v1/components/{componentAppid}/authorization-links');

  const list = useQuery({
    queryKey: ['links', componentAppid, state, page],
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/components/{componentAppid}/authorization-links', {
          params: {
            path: { componentAppid },
            query: { state, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
          },
        }),
      ),
    // An open link turns used when the merchant authorizes: keep the list current.
    refetchInterval: 5_000,
  });
  const create = useMutation({
    mutationFn: (body: SchemaCreateLinkDto) =>
      unwrap(
        api.POST('/admin/v1/components/{componentAppid}/authorization-links', {
          params: { path: { componentAppid } },
          body,
        }),
      ),
    onSuccess: (link) => {
      setCreated(link);
      void queryClient.invalidateQueries({ queryKey: ['links', componentAppid] });
    },
  });

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
      {mayCreate ? (
        <Card title={t('create')}>
          <Form<SchemaCreateLinkDto>
            layout="inline"
            name="create-link"
            initialValues={{ kind: 'pc', authType: 3 }}
            onFinish={(values) => create.mutate({ ...values, bizRef: values.bizRef?.trim() || undefined })}
          >
            <Form.Item label={t('kind')} name="kind">
              <Radio.Group
                options={[
                  { value: 'pc', label: t('kindPc') },
                  { value: 'h5', label: t('kindH5') },
                ]}
              />
            </Form.Item>
            <Form.Item label={t('authType')} name="authType">
              <Select
                style={{ width: 160 }}
                options={[1, 2, 3].map((value) => ({ value, label: t(`authType${value}`) }))}
              />
            </Form.Item>
            <Form.Item label={t('bizRef')} name="bizRef" tooltip={t('bizRefHelp')} rules={[{ max: 128 }]}>
              <Input style={{ width: 200 }} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={create.isPending}>
              {t('create')}
            </Button>
          </Form>
          <ErrorAlert error={create.error} style={{ marginTop: 16 }} />
          {created ? (
            <Alert
              style={{ marginTop: 16 }}
              type="success"
              title={t('created', { time: formatTime(created.expiresAt) })}
              description={
                <Space align="start" size="large" wrap>
                  {created.qrCodePng ? (
                    <Image width={160} src={`data:image/png;base64,${created.qrCodePng}`} alt={t('qrAlt')} />
                  ) : null}
                  <Typography.Paragraph
                    copyable={{ text: created.url }}
                    style={{ maxWidth: 560, wordBreak: 'break-all' }}
                  >
                    <a href={created.url} target="_blank" rel="noreferrer" data-testid="created-link">
                      {created.url}
                    </a>
                  </Typography.Paragraph>
                </Space>
              }
            />
          ) : null}
        </Card>
      ) : null}
      <Card
        title={t('title')}
        extra={
          <Select<LinkState>
            allowClear
            aria-label={t('state')}
            placeholder={t('state')}
            style={{ width: 140 }}
            value={state}
            onChange={(value) => {
              setState(value);
              setPage(1);
            }}
            options={(['open', 'used', 'expired'] as const).map((value) => ({
              value,
              label: t(`state${value[0]!.toUpperCase()}${value.slice(1)}`),
            }))}
          />
        }
      >
        <ErrorAlert error={list.error} />
        <Table<SchemaAuthorizationLinkSummaryDto>
          rowKey="linkId"
          loading={list.isPending}
          dataSource={list.data?.items}
          locale={{ emptyText: <Empty description={t('empty')} /> }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: list.data?.total,
            onChange: setPage,
            showSizeChanger: false,
          }}
          columns={[
            {
              title: t('kind'),
              dataIndex: 'kind',
              render: (kind: string) => (kind === 'pc' ? t('kindPc') : t('kindH5')),
            },
            { title: t('bizRef'), dataIndex: 'bizRef', render: (value: string | null) => value ?? '—' },
            {
              title: t('state'),
              dataIndex: 'state',
              render: (value: LinkState) => (
                <Tag color={STATE_COLOR[value]}>{t(`state${value[0]!.toUpperCase()}${value.slice(1)}`)}</Tag>
              ),
            },
            {
              title: t('authorizer'),
              dataIndex: 'authorizerAppid',
              render: (appid: string | null) =>
                appid ? <Link to={`/accounts/${appid}`}>{appid}</Link> : '—',
            },
            { title: t('expiresAt'), dataIndex: 'expiresAt', render: (value: string) => formatTime(value) },
            {
              title: t('common:field.createdAt'),
              dataIndex: 'createdAt',
              render: (value: string) => formatTime(value),
            },
            {
              title: t('url'),
              dataIndex: 'startUrl',
              render: (url: string) => (
                <Typography.Text copyable={{ text: url }}>{t('common:action.copy')}</Typography.Text>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

export default function LinksPage() {
  const { t } = useTranslation('links');
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('title')}
      </Typography.Title>
      <RequireComponent>{(componentAppid) => <Links componentAppid={componentAppid} />}</RequireComponent>
    </>
  );
}
