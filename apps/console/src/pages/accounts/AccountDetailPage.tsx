import { ArrowLeftOutlined, EyeOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Avatar,
  Button,
  Card,
  Descriptions,
  Empty,
  Modal,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { api, unwrap } from '../../api/client';
import type {
  SchemaAuthorizerCredentialDto,
  SchemaAuthorizerDetailDto,
  SchemaAuthorizerHistoryEntryDto,
  SchemaRevealedTokenDto,
} from '../../api/schema';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import { RequireComponent } from '../../components/RequireComponent';
import './messages';
import { miniProgramOf } from './profile';

const CREDENTIAL_COLOR: Record<SchemaAuthorizerCredentialDto['status'], string> = {
  active: 'success',
  invalid: 'error',
  revoked: 'default',
};
const HISTORY_COLOR: Record<SchemaAuthorizerHistoryEntryDto['status'], string> = {
  authorized: 'success',
  updated: 'processing',
  unauthorized: 'default',
};

function FuncInfo({ ids }: { ids: number[] | null | undefined }) {
  const { t } = useTranslation('accounts');
  if (!ids || ids.length === 0) return <Typography.Text>{t('detail.noFuncInfo')}</Typography.Text>;
  return (
    <Space wrap size={[4, 4]} data-testid="func-info">
      {ids.map((id) => (
        <Tag key={id}>{t('detail.funcId', { id })}</Tag>
      ))}
    </Space>
  );
}

function Credentials({
  componentAppid,
  authorizerAppid,
}: {
  componentAppid: string;
  authorizerAppid: string;
}) {
  const { t } = useTranslation('accounts');
  const credentials = useQuery({
    queryKey: ['authorizer-credentials', componentAppid, authorizerAppid],
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/components/{componentAppid}/authorizers/{authorizerAppid}/credentials', {
          params: { path: { componentAppid, authorizerAppid } },
        }),
      ),
  });
  const data = credentials.data;
  return (
    <Card title={t('detail.credentials')} data-testid="credentials-card">
      <ErrorAlert error={credentials.error} />
      {credentials.isPending ? <Spin /> : null}
      {data ? (
        <Descriptions
          column={{ xs: 1, md: 2 }}
          items={[
            {
              key: 'status',
              label: t('field.credential'),
              children: <Tag color={CREDENTIAL_COLOR[data.status]}>{t(`credential.${data.status}`)}</Tag>,
            },
            {
              key: 'errcode',
              label: t('detail.invalidErrcode'),
              children: data.invalidErrcode ?? '—',
            },
            {
              key: 'expires',
              label: t('detail.tokenExpiresAt'),
              children: formatTime(data.accessTokenExpiresAt),
            },
            {
              key: 'refreshed',
              label: t('detail.tokenRefreshedAt'),
              children: formatTime(data.lastRefreshedAt, t('common:time.never')),
            },
            {
              key: 'changed',
              label: t('detail.statusChangedAt'),
              children: formatTime(data.statusChangedAt),
            },
            { key: 'func', label: t('detail.funcInfo'), children: <FuncInfo ids={data.funcInfo} /> },
          ]}
        />
      ) : null}
    </Card>
  );
}

function Detail({ componentAppid, authorizerAppid }: { componentAppid: string; authorizerAppid: string }) {
  const { t } = useTranslation('accounts');
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const [token, setToken] = useState<SchemaRevealedTokenDto>();
  const mayRefresh = can('POST /admin/v1/components/{componentAppid}/authorizers/{authorizerAppid}/refresh');
  const mayReveal = can(
    'POST /admin/v1/components/{componentAppid}/authorizers/{authorizerAppid}/access-token/reveal',
  );
  const queryKey = ['authorizer', componentAppid, authorizerAppid];

  const detail = useQuery({
    queryKey,
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/components/{componentAppid}/authorizers/{authorizerAppid}', {
          params: { path: { componentAppid, authorizerAppid } },
        }),
      ),
  });
  const refresh = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/admin/v1/components/{componentAppid}/authorizers/{authorizerAppid}/refresh', {
          params: { path: { componentAppid, authorizerAppid } },
        }),
      ),
    onSuccess: (next) => {
      queryClient.setQueryData(queryKey, next);
      void queryClient.invalidateQueries({ queryKey: ['authorizers', componentAppid] });
      void message.success(t('detail.refreshed'));
    },
  });
  const reveal = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/admin/v1/components/{componentAppid}/authorizers/{authorizerAppid}/access-token/reveal', {
          params: { path: { componentAppid, authorizerAppid } },
        }),
      ),
    // Kept only while the dialog shows it: never in the query cache.
    onSuccess: setToken,
  });

  const confirmReveal = () => {
    void modal.confirm({
      title: t('detail.revealConfirmTitle'),
      content: t('detail.revealConfirm'),
      okText: t('common:action.confirm'),
      okButtonProps: { danger: true },
      cancelText: t('common:action.cancel'),
      onOk: () => reveal.mutateAsync().catch(() => undefined),
    });
  };

  if (detail.isPending) return <Spin />;
  if (detail.error) return <ErrorAlert error={detail.error} />;
  const account: SchemaAuthorizerDetailDto = detail.data;
  const miniProgram = miniProgramOf(account);
  const isMiniProgram = account.authorizerType === 'mini_program';

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Space wrap>
        {mayRefresh ? (
          <Button icon={<ReloadOutlined />} loading={refresh.isPending} onClick={() => refresh.mutate()}>
            {t('detail.refresh')}
          </Button>
        ) : null}
        {mayReveal ? (
          <Button icon={<EyeOutlined />} danger loading={reveal.isPending} onClick={confirmReveal}>
            {t('detail.reveal')}
          </Button>
        ) : null}
        {isMiniProgram ? (
          <Link to={`/accounts/${encodeURIComponent(authorizerAppid)}/versions`} data-testid="versions-link">
            {t('detail.versions')}
          </Link>
        ) : null}
      </Space>
      <ErrorAlert error={refresh.error ?? reveal.error} />
      {account.profileError ? (
        <Alert type="warning" showIcon title={t('detail.profileError')} description={account.profileError} />
      ) : null}

      <Card title={t('detail.profile')}>
        <Space align="start" size="large" wrap>
          <Avatar
            size={80}
            shape="square"
            src={account.headImg ?? undefined}
            alt={t('detail.headImgAlt', { name: account.nickName ?? account.authorizerAppid })}
          >
            {(account.nickName ?? account.authorizerAppid).slice(0, 1)}
          </Avatar>
          <Descriptions
            column={{ xs: 1, md: 2 }}
            items={[
              { key: 'nick', label: t('field.nickName'), children: account.nickName ?? '—' },
              {
                key: 'appid',
                label: t('field.appid'),
                children: <Typography.Text copyable>{account.authorizerAppid}</Typography.Text>,
              },
              { key: 'user', label: t('detail.userName'), children: account.userName ?? '—' },
              { key: 'alias', label: t('detail.alias'), children: account.alias ?? '—' },
              { key: 'principal', label: t('detail.principal'), children: account.principalName ?? '—' },
              {
                key: 'type',
                label: t('field.type'),
                children: account.authorizerType ? t(`type.${account.authorizerType}`) : '—',
              },
              {
                key: 'status',
                label: t('field.status'),
                children: (
                  <Tag color={account.status === 'authorized' ? 'success' : 'default'}>
                    {t(`status.${account.status}`)}
                  </Tag>
                ),
              },
              { key: 'bizRef', label: t('field.bizRef'), children: account.bizRef ?? '—' },
              {
                key: 'authorizedAt',
                label: t('field.authorizedAt'),
                children: formatTime(account.authorizedAt),
              },
              {
                key: 'unauthorizedAt',
                label: t('detail.unauthorizedAt'),
                children: formatTime(account.unauthorizedAt),
              },
              {
                key: 'profileRefreshedAt',
                label: t('detail.profileRefreshedAt'),
                children: formatTime(account.profileRefreshedAt, t('common:time.never')),
              },
              { key: 'signature', label: t('detail.signature'), children: account.signature ?? '—' },
            ]}
          />
        </Space>
      </Card>

      <Card title={t('detail.permissions')}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text strong>{t('detail.funcInfo')}</Typography.Text>
          <FuncInfo ids={account.funcInfo} />
          {miniProgram ? (
            <Descriptions
              style={{ marginTop: 16 }}
              column={1}
              title={t('detail.miniProgram')}
              items={[
                {
                  key: 'visit',
                  label: t('detail.visitStatus'),
                  children:
                    miniProgram.visitStatus === null
                      ? '—'
                      : miniProgram.visitStatus === 0
                        ? t('detail.visitOpen')
                        : t('detail.visitClosed', { code: miniProgram.visitStatus }),
                },
                {
                  key: 'categories',
                  label: t('detail.categories'),
                  children: miniProgram.categories.length
                    ? miniProgram.categories.map((c) => `${c.first} / ${c.second}`).join('；')
                    : '—',
                },
                ...miniProgram.domains.map(([kind, domains]) => ({
                  key: kind,
                  label: t(`detail.domain.${kind}`),
                  children: domains.length ? domains.join(', ') : '—',
                })),
              ]}
            />
          ) : null}
        </Space>
      </Card>

      <Credentials componentAppid={componentAppid} authorizerAppid={authorizerAppid} />

      <Card title={t('detail.history')}>
        <Table<SchemaAuthorizerHistoryEntryDto>
          rowKey={(row) => `${row.occurredAt}-${row.eventId ?? row.source}-${row.status}`}
          dataSource={account.history}
          pagination={false}
          locale={{ emptyText: <Empty description={t('detail.historyEmpty')} /> }}
          columns={[
            {
              title: t('detail.occurredAt'),
              dataIndex: 'occurredAt',
              render: (value: string) => formatTime(value),
            },
            {
              title: t('field.status'),
              dataIndex: 'status',
              render: (value: SchemaAuthorizerHistoryEntryDto['status']) => (
                <Tag color={HISTORY_COLOR[value]}>{t(`history.${value}`)}</Tag>
              ),
            },
            { title: t('detail.source'), dataIndex: 'source' },
            { title: t('field.bizRef'), dataIndex: 'bizRef', render: (value: string | null) => value ?? '—' },
            {
              title: t('detail.funcInfo'),
              dataIndex: 'funcInfo',
              render: (ids: number[] | null) => (ids && ids.length ? ids.join(', ') : '—'),
            },
            {
              title: t('detail.eventId'),
              dataIndex: 'eventId',
              render: (value: string | null) =>
                value ? <Typography.Text code>{value}</Typography.Text> : '—',
            },
          ]}
        />
      </Card>

      <Modal
        open={token !== undefined}
        title={t('detail.tokenTitle')}
        onCancel={() => setToken(undefined)}
        destroyOnHidden
        footer={<Button onClick={() => setToken(undefined)}>{t('common:action.close')}</Button>}
      >
        {token ? (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Alert type="warning" showIcon title={t('detail.tokenOnce')} />
            <Typography.Paragraph
              copyable={{ text: token.accessToken }}
              code
              style={{ wordBreak: 'break-all' }}
              data-testid="revealed-token"
            >
              {token.accessToken}
            </Typography.Paragraph>
            <Typography.Text>
              {t('detail.tokenExpires', { time: formatTime(token.expiresAt) })}
            </Typography.Text>
          </Space>
        ) : null}
      </Modal>
    </Space>
  );
}

export default function AccountDetailPage() {
  const { t } = useTranslation('accounts');
  const { authorizerAppid = '' } = useParams();
  return (
    <>
      <Link to="/accounts">
        <ArrowLeftOutlined /> {t('detail.back')}
      </Link>
      <Typography.Title level={2} style={{ marginTop: 8 }}>
        {t('detail.heading', { appid: authorizerAppid })}
      </Typography.Title>
      <RequireComponent>
        {(componentAppid) => <Detail componentAppid={componentAppid} authorizerAppid={authorizerAppid} />}
      </RequireComponent>
    </>
  );
}
