import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, unwrap } from '../../api/client';
import type { SchemaComponentDto, SchemaRevealedTokenDto } from '../../api/schema';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDuration, formatTime } from '../../components/format';
import {
  AES_KEY,
  APPID,
  HEALTH_COLOR,
  MESSAGE_TOKEN,
  SECRET_FIELDS,
  createComponentBody,
  secretsSet,
  ticketHealth,
  tokenHealth,
  updateComponentBody,
  type ComponentFormValues,
  type SecretField,
} from './components-logic';
import './messages';

const SECRET_PATTERN: Record<SecretField, { pattern?: RegExp; message: string; max?: number }> = {
  secret: { message: 'required', max: 128 },
  token: { pattern: MESSAGE_TOKEN, message: 'tokenInvalid' },
  encodingAESKey: { pattern: AES_KEY, message: 'aesKeyInvalid' },
};

function SetTag({ set }: { set: boolean }) {
  const { t } = useTranslation('components');
  return set ? <Tag color="success">{t('set')}</Tag> : <Tag color="warning">{t('notSet')}</Tag>;
}

function TicketCell({ ageSeconds }: { ageSeconds: number | undefined }) {
  const { t } = useTranslation('components');
  const health = ticketHealth(ageSeconds);
  return (
    <Tag color={HEALTH_COLOR[health]}>
      {ageSeconds === undefined ? t('ticketMissing') : t('ticketAge', { age: formatDuration(ageSeconds) })}
    </Tag>
  );
}

function TokenCell({ expiresAt }: { expiresAt: string | undefined }) {
  const { t } = useTranslation('components');
  const { health, secondsLeft } = tokenHealth(expiresAt);
  const label =
    health === 'missing'
      ? t('tokenMissing')
      : secondsLeft === 0
        ? t('tokenExpired')
        : t('tokenLeft', { left: formatDuration(secondsLeft) });
  return (
    <Space size="small" wrap>
      <Tag color={HEALTH_COLOR[health]}>{label}</Tag>
      {expiresAt ? <Typography.Text>{formatTime(expiresAt)}</Typography.Text> : null}
    </Space>
  );
}

/** GET …/credentials of one component, shown when its row is expanded. */
function CredentialHealth({ componentAppid }: { componentAppid: string }) {
  const { t } = useTranslation('components');
  const health = useQuery({
    queryKey: ['components', 'credentials', componentAppid],
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/components/{componentAppid}/credentials', {
          params: { path: { componentAppid } },
        }),
      ),
    refetchInterval: 30_000,
  });
  if (health.isPending) return <Spin />;
  if (health.error) return <ErrorAlert error={health.error} />;
  const data = health.data;
  return (
    <Space
      orientation="vertical"
      style={{ width: '100%' }}
      data-testid={`credential-health-${componentAppid}`}
    >
      {data.ticketRefused ? (
        <Alert
          type="error"
          showIcon
          title={t('ticketRefused', { errcode: data.ticketRefused.errcode ?? '—' })}
        />
      ) : null}
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, md: 2 }}
        title={t('health')}
        items={[
          {
            key: 'ticket',
            label: t('ticketReceivedAt'),
            children: (
              <Space size="small">
                <TicketCell ageSeconds={data.ticketAgeSeconds} />
                {formatTime(data.ticketReceivedAt)}
              </Space>
            ),
          },
          {
            key: 'token',
            label: t('tokenExpiry'),
            children: <TokenCell expiresAt={data.componentTokenExpiresAt} />,
          },
          {
            key: 'failures',
            label: t('refreshFailures'),
            children: (
              <Tag color={data.componentTokenRefreshFailures > 0 ? 'error' : 'success'}>
                {data.componentTokenRefreshFailures}
              </Tag>
            ),
          },
          { key: 'retryAt', label: t('retryAt'), children: formatTime(data.componentTokenRetryAt) },
          {
            key: 'lastError',
            label: t('lastError'),
            children: data.componentTokenLastError ? (
              <Typography.Text>
                {data.componentTokenLastError.errcode !== undefined ? (
                  <Typography.Text code>{data.componentTokenLastError.errcode}</Typography.Text>
                ) : null}
                {data.componentTokenLastError.message} ({formatTime(data.componentTokenLastError.at)})
              </Typography.Text>
            ) : (
              '—'
            ),
          },
          {
            key: 'authorizers',
            label: t('authorizers'),
            children: t('authorizersByState', data.authorizersByState),
          },
        ]}
      />
    </Space>
  );
}

function SecretInputs({ component }: { component?: SchemaComponentDto }) {
  const { t } = useTranslation('components');
  const set = component ? secretsSet(component) : undefined;
  return (
    <>
      {SECRET_FIELDS.map((field) => {
        const rule = SECRET_PATTERN[field];
        return (
          <Form.Item
            key={field}
            name={field}
            label={
              <Space size="small">
                {t(field)}
                {set ? <SetTag set={set[field]} /> : null}
              </Space>
            }
            rules={[
              ...(component ? [] : [{ required: true, whitespace: true, message: t('required') }]),
              ...(rule.pattern ? [{ pattern: rule.pattern, message: t(rule.message) }] : []),
              ...(rule.max ? [{ max: rule.max }] : []),
            ]}
          >
            {/* Write-only: never prefilled, and no browser autofill of a saved password. */}
            <Input.Password autoComplete="new-password" visibilityToggle />
          </Form.Item>
        );
      })}
    </>
  );
}

export default function ComponentsPage() {
  const { t } = useTranslation('components');
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<SchemaComponentDto>();
  const [revealed, setRevealed] = useState<SchemaRevealedTokenDto & { componentAppid: string }>();
  const [createForm] = Form.useForm<ComponentFormValues>();
  const [editForm] = Form.useForm<ComponentFormValues>();
  const mayCreate = can('POST /admin/v1/components');
  const mayEdit = can('PATCH /admin/v1/components/{componentAppid}');
  const mayReveal = can('POST /admin/v1/components/{componentAppid}/access-token/reveal');

  // The same query as the header's component picker: a create shows up there too.
  const list = useQuery({
    queryKey: ['components'],
    queryFn: () => unwrap(api.GET('/admin/v1/components')),
    refetchInterval: 30_000,
  });

  const create = useMutation({
    mutationFn: (values: ComponentFormValues) =>
      unwrap(api.POST('/admin/v1/components', { body: createComponentBody(values) })),
    onSuccess: (component) => {
      setCreating(false);
      createForm.resetFields();
      void message.success(t('created', { appid: component.componentAppid }));
      void queryClient.invalidateQueries({ queryKey: ['components'] });
    },
  });
  const update = useMutation({
    mutationFn: ({ componentAppid, values }: { componentAppid: string; values: ComponentFormValues }) =>
      unwrap(
        api.PATCH('/admin/v1/components/{componentAppid}', {
          params: { path: { componentAppid } },
          body: updateComponentBody(values) ?? {},
        }),
      ),
    onSuccess: () => {
      setEditing(undefined);
      editForm.resetFields();
      void message.success(t('saved'));
      void queryClient.invalidateQueries({ queryKey: ['components'] });
    },
  });
  const reveal = useMutation({
    mutationFn: (componentAppid: string) =>
      unwrap(
        api.POST('/admin/v1/components/{componentAppid}/access-token/reveal', {
          params: { path: { componentAppid } },
        }),
      ).then((token) => ({ ...token, componentAppid })),
    onSuccess: setRevealed,
  });

  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('title')}
      </Typography.Title>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
        <Card
          title={t('list')}
          extra={
            mayCreate ? (
              <Button type="primary" onClick={() => setCreating(true)}>
                {t('create')}
              </Button>
            ) : null
          }
        >
          <ErrorAlert error={list.error ?? reveal.error} style={{ marginBottom: 16 }} />
          <Table<SchemaComponentDto>
            rowKey="componentAppid"
            loading={list.isPending}
            dataSource={list.data?.items}
            pagination={false}
            locale={{ emptyText: <Empty description={t('empty')} /> }}
            expandable={{
              expandedRowRender: (component) => (
                <CredentialHealth componentAppid={component.componentAppid} />
              ),
            }}
            columns={[
              {
                title: t('componentAppid'),
                dataIndex: 'componentAppid',
                render: (appid: string) => <Typography.Text copyable>{appid}</Typography.Text>,
              },
              {
                title: t('secrets'),
                key: 'secrets',
                render: (_, component) => {
                  const set = secretsSet(component);
                  return (
                    <Space size={[4, 4]} wrap>
                      {SECRET_FIELDS.map((field) => (
                        <span key={field}>
                          {t(field)} <SetTag set={set[field]} />
                        </span>
                      ))}
                    </Space>
                  );
                },
              },
              {
                title: t('ticket'),
                dataIndex: 'ticketAgeSeconds',
                render: (age: number | undefined) => <TicketCell ageSeconds={age} />,
              },
              {
                title: t('tokenExpiry'),
                dataIndex: 'accessTokenExpiresAt',
                render: (expiresAt: string | undefined) => <TokenCell expiresAt={expiresAt} />,
              },
              {
                title: t('common:field.actions'),
                key: 'actions',
                render: (_, component) => (
                  <Space wrap>
                    {mayEdit ? (
                      <Button size="small" onClick={() => setEditing(component)}>
                        {t('edit')}
                      </Button>
                    ) : null}
                    {mayReveal ? (
                      <Button
                        size="small"
                        danger
                        loading={reveal.isPending && reveal.variables === component.componentAppid}
                        onClick={() =>
                          void modal.confirm({
                            title: t('reveal'),
                            content: t('revealConfirm', { appid: component.componentAppid }),
                            okText: t('common:action.confirm'),
                            cancelText: t('common:action.cancel'),
                            onOk: () => reveal.mutate(component.componentAppid),
                          })
                        }
                      >
                        {t('reveal')}
                      </Button>
                    ) : null}
                  </Space>
                ),
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
      >
        <Form<ComponentFormValues>
          form={createForm}
          layout="vertical"
          name="create-component"
          autoComplete="off"
          onFinish={(values) => create.mutate(values)}
        >
          <Form.Item
            label={t('componentAppid')}
            name="componentAppid"
            rules={[
              { required: true, whitespace: true, message: t('required') },
              { pattern: APPID, message: t('appidInvalid') },
            ]}
          >
            <Input autoComplete="off" placeholder="wx1234567890abcdef" />
          </Form.Item>
          <SecretInputs />
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
        open={editing !== undefined}
        title={editing ? t('editTitle', { appid: editing.componentAppid }) : ''}
        onCancel={() => setEditing(undefined)}
        footer={null}
        destroyOnHidden
      >
        {editing ? (
          <Form<ComponentFormValues>
            form={editForm}
            layout="vertical"
            name="edit-component"
            autoComplete="off"
            onFinish={(values) => {
              if (!updateComponentBody(values)) {
                void message.warning(t('nothingTyped'));
                return;
              }
              update.mutate({ componentAppid: editing.componentAppid, values });
            }}
          >
            <Typography.Paragraph type="secondary">{t('editHelp')}</Typography.Paragraph>
            <SecretInputs component={editing} />
            <ErrorAlert error={update.error} style={{ marginBottom: 16 }} />
            <Space>
              <Button type="primary" htmlType="submit" loading={update.isPending}>
                {t('common:action.save')}
              </Button>
              <Button onClick={() => setEditing(undefined)}>{t('common:action.cancel')}</Button>
            </Space>
          </Form>
        ) : null}
      </Modal>

      <Modal
        open={revealed !== undefined}
        title={t('revealedTitle')}
        onCancel={() => setRevealed(undefined)}
        destroyOnHidden
        footer={
          <Button type="primary" onClick={() => setRevealed(undefined)}>
            {t('close')}
          </Button>
        }
      >
        {revealed ? (
          <>
            <Typography.Text strong>{revealed.componentAppid}</Typography.Text>
            <Typography.Paragraph
              code
              copyable={{ text: revealed.accessToken }}
              style={{ wordBreak: 'break-all', marginTop: 8 }}
              data-testid="revealed-token"
            >
              {revealed.accessToken}
            </Typography.Paragraph>
            <Alert
              type="warning"
              showIcon
              title={t('revealedExpires', { time: formatTime(revealed.expiresAt) })}
            />
          </>
        ) : null}
      </Modal>
    </>
  );
}
