import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Form, Modal, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';

import { api, unwrap } from '../../api/client';
import type { SchemaCreatedForwardingRuleDto, SchemaForwardingRuleDto } from '../../api/schema';
import { useAuth } from '../../auth/AuthProvider';
import { useComponent } from '../../auth/ComponentProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import { DEFAULT_CONCURRENCY, createRuleBody, failingById, type RuleFormValues } from './forwarding-logic';
import './messages';
import { RuleFields } from './RuleFields';
import { SecretOnce } from './SecretOnce';

const PAGE_SIZE = 20;

export default function ForwardingPage() {
  const { t } = useTranslation('forwarding');
  const { can } = useAuth();
  const { components } = useComponent();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<SchemaCreatedForwardingRuleDto>();
  const [form] = Form.useForm<RuleFormValues>();
  const mayCreate = can('POST /admin/v1/forwarding/rules');

  const rules = useQuery({
    queryKey: ['forwarding', 'rules', page],
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/forwarding/rules', {
          params: {
            query: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE, sort: 'createdAt', order: 'desc' },
          },
        }),
      ),
  });
  const failing = useQuery({
    queryKey: ['forwarding', 'failing-rules'],
    queryFn: () => unwrap(api.GET('/admin/v1/forwarding/failing-rules')),
    refetchInterval: 30_000,
  });
  const failingRules = failingById(failing.data);

  const create = useMutation({
    mutationFn: (values: RuleFormValues) =>
      unwrap(api.POST('/admin/v1/forwarding/rules', { body: createRuleBody(values) })),
    onSuccess: (answer) => {
      setCreating(false);
      form.resetFields();
      setCreated(answer);
      void message.success(t('saved'));
      void queryClient.invalidateQueries({ queryKey: ['forwarding'] });
    },
  });

  const componentOptions = components.map((component) => ({
    value: component.componentAppid,
    label: component.componentAppid,
  }));

  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('title')}
      </Typography.Title>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
        <ErrorAlert error={failing.error} />
        {failing.data && failing.data.length > 0 ? (
          <Alert
            type="error"
            showIcon
            data-testid="failing-rules"
            title={t('failingTitle', { count: failing.data.length })}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {failing.data.map((rule) => (
                  <li key={rule.ruleId}>
                    <Link to={`/forwarding/${rule.ruleId}`}>
                      {t('failingDetail', {
                        name: rule.name,
                        failed: rule.failedDeliveries,
                        consecutive: rule.consecutiveFailures,
                      })}
                    </Link>
                    {rule.lastError ? <Typography.Text code>{rule.lastError}</Typography.Text> : null}
                  </li>
                ))}
              </ul>
            }
          />
        ) : null}
        <Card
          title={t('rules')}
          extra={
            mayCreate ? (
              <Button type="primary" onClick={() => setCreating(true)}>
                {t('create')}
              </Button>
            ) : null
          }
        >
          <ErrorAlert error={rules.error} />
          <Table<SchemaForwardingRuleDto>
            rowKey="id"
            loading={rules.isPending}
            dataSource={rules.data?.items}
            locale={{ emptyText: <Empty description={t('empty')} /> }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: rules.data?.total,
              onChange: setPage,
              showSizeChanger: false,
            }}
            onRow={(rule) =>
              failingRules.has(rule.id) ? { style: { background: '#fff1f0' }, 'data-failing': 'true' } : {}
            }
            columns={[
              {
                title: t('name'),
                dataIndex: 'name',
                render: (name: string, rule) => (
                  <Space size="small" wrap>
                    <Link to={`/forwarding/${rule.id}`}>{name}</Link>
                    {failingRules.has(rule.id) ? (
                      <Tooltip title={failingRules.get(rule.id)?.lastError}>
                        <Tag color="error">{t('failing')}</Tag>
                      </Tooltip>
                    ) : null}
                  </Space>
                ),
              },
              {
                title: t('events'),
                dataIndex: 'eventPattern',
                render: (pattern: string) => <Typography.Text code>{pattern}</Typography.Text>,
              },
              {
                title: t('targetUrl'),
                dataIndex: 'targetUrl',
                render: (url: string) => (
                  <Typography.Text style={{ wordBreak: 'break-all' }}>{url}</Typography.Text>
                ),
              },
              {
                title: t('common:field.status'),
                dataIndex: 'enabled',
                render: (enabled: boolean) =>
                  enabled ? <Tag color="success">{t('enabled')}</Tag> : <Tag>{t('disabled')}</Tag>,
              },
              {
                title: t('common:field.createdAt'),
                dataIndex: 'createdAt',
                render: (value: string) => formatTime(value),
              },
            ]}
          />
        </Card>
      </Space>

      <Modal
        open={creating}
        title={t('createTitle')}
        onCancel={() => setCreating(false)}
        footer={null}
        destroyOnHidden
        width={640}
      >
        <Form<RuleFormValues>
          form={form}
          layout="vertical"
          name="create-forwarding-rule"
          initialValues={{ enabled: true, concurrency: DEFAULT_CONCURRENCY, events: [] }}
          onFinish={(values) => create.mutate(values)}
        >
          <RuleFields componentOptions={componentOptions} />
          <ErrorAlert error={create.error} style={{ marginBottom: 16 }} />
          <Space>
            <Button type="primary" htmlType="submit" loading={create.isPending}>
              {t('common:action.create')}
            </Button>
            <Button onClick={() => setCreating(false)}>{t('common:action.cancel')}</Button>
          </Space>
        </Form>
      </Modal>

      <Modal
        open={created !== undefined}
        title={t('secretTitle')}
        closable={false}
        mask={{ closable: false }}
        onCancel={() => setCreated(undefined)}
        footer={
          <Space>
            {created ? (
              <Button onClick={() => void navigate(`/forwarding/${created.rule.id}`)}>{t('openRule')}</Button>
            ) : null}
            <Button type="primary" onClick={() => setCreated(undefined)}>
              {t('secretSaved')}
            </Button>
          </Space>
        }
      >
        {created ? (
          <>
            {created.rule.bindingsPending ? (
              <Alert type="info" showIcon title={t('bindingsPending')} style={{ marginBottom: 16 }} />
            ) : null}
            <SecretOnce secret={created.secret} description={t('secretCreated')} />
          </>
        ) : null}
      </Modal>
    </>
  );
}
