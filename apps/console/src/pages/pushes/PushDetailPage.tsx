import { ArrowLeftOutlined, RedoOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Empty, Space, Spin, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';

import { api, unwrap } from '../../api/client';
import type { SchemaPushDetailDto } from '../../api/schema';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import './messages';
import { orderedFields } from './push-format';

function ReplayButton({ push }: { push: SchemaPushDetailDto }) {
  const { t } = useTranslation('pushes');
  const { modal, message } = App.useApp();
  const replay = useMutation({
    mutationFn: () => unwrap(api.POST('/admin/v1/pushes/{id}/replay', { params: { path: { id: push.id } } })),
    onSuccess: () => void message.success(t('replayDone')),
  });
  const button = (
    <Button
      icon={<RedoOutlined />}
      disabled={push.secretsHashed}
      loading={replay.isPending}
      onClick={() => {
        void modal.confirm({
          title: t('replay'),
          content: t('replayConfirm'),
          okText: t('common:action.confirm'),
          cancelText: t('common:action.cancel'),
          onOk: () => replay.mutateAsync().catch(() => undefined),
        });
      }}
    >
      {t('replay')}
    </Button>
  );
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {push.secretsHashed ? <Tooltip title={t('replayNotAllowed')}>{button}</Tooltip> : button}
      <ErrorAlert error={replay.error} />
      {replay.data ? (
        <Alert
          type="success"
          showIcon
          data-testid="replay-result"
          title={t('replayDone')}
          description={
            <Descriptions
              size="small"
              column={1}
              items={[
                {
                  key: 'eventId',
                  label: t('newEventId'),
                  children: <Typography.Text copyable>{replay.data.eventId}</Typography.Text>,
                },
                { key: 'replayOf', label: t('replayOf'), children: replay.data.replayOf },
                { key: 'type', label: t('type'), children: replay.data.type },
              ]}
            />
          }
        />
      ) : null}
    </Space>
  );
}

function PushDetail({ id }: { id: number }) {
  const { t } = useTranslation('pushes');
  const { can } = useAuth();
  const push = useQuery({
    queryKey: ['push', id],
    queryFn: () => unwrap(api.GET('/admin/v1/pushes/{id}', { params: { path: { id } } })),
  });
  if (push.isPending) return <Spin />;
  if (push.error) return <ErrorAlert error={push.error} />;
  const data = push.data;
  const fields = orderedFields(data.fields);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card title={t('meta')}>
        <Descriptions
          bordered
          size="small"
          column={{ xs: 1, md: 2 }}
          items={[
            { key: 'type', label: t('type'), children: <Typography.Text code>{data.type}</Typography.Text> },
            {
              key: 'eventId',
              label: t('eventId'),
              children: <Typography.Text copyable>{data.eventId}</Typography.Text>,
            },
            { key: 'component', label: t('component'), children: data.componentAppid },
            {
              key: 'authorizer',
              label: t('authorizerAppid'),
              children: data.authorizerAppid ? (
                <Link to={`/accounts/${data.authorizerAppid}`}>{data.authorizerAppid}</Link>
              ) : (
                '—'
              ),
            },
            { key: 'occurredAt', label: t('occurredAt'), children: formatTime(data.occurredAt) },
            { key: 'receivedAt', label: t('receivedAt'), children: formatTime(data.receivedAt) },
            {
              key: 'replayOf',
              label: t('replayOf'),
              children: data.replayOf ? <Typography.Text copyable>{data.replayOf}</Typography.Text> : '—',
            },
            {
              key: 'secretsHashed',
              label: t('secretsHashed'),
              children: data.secretsHashed ? <Tag>{t('secretsHashedYes')}</Tag> : t('no'),
            },
          ]}
        />
        {can('POST /admin/v1/pushes/{id}/replay') ? (
          <div style={{ marginTop: 16 }}>
            <ReplayButton push={data} />
          </div>
        ) : null}
      </Card>
      <Card title={t('fields')}>
        {fields.length > 0 ? (
          <Descriptions
            bordered
            size="small"
            column={1}
            items={fields.map(([key, value]) => ({
              key,
              label: key,
              children: <span style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{value}</span>,
            }))}
          />
        ) : (
          <Empty description={t('fieldsEmpty')} />
        )}
      </Card>
      <Card title={t('rawXml')}>
        {data.rawXml ? (
          <pre
            role="region"
            aria-label={t('rawXml')}
            tabIndex={0}
            style={{
              margin: 0,
              padding: 12,
              background: '#f6f8fa',
              color: '#1f2328',
              borderRadius: 6,
              overflow: 'auto',
              maxHeight: 480,
              whiteSpace: 'pre-wrap',
              wordBreak: 'break-all',
            }}
          >
            <code>{data.rawXml}</code>
          </pre>
        ) : (
          <Empty description={t('rawXmlNone')} />
        )}
      </Card>
    </Space>
  );
}

export default function PushDetailPage() {
  const { t } = useTranslation('pushes');
  const params = useParams();
  const location = useLocation();
  const from = (location.state as { from?: unknown } | null)?.from;
  const backTo = `/pushes${typeof from === 'string' ? from : ''}`;
  const id = Number(params['id']);
  const valid = Number.isInteger(id) && id > 0;
  return (
    <>
      <Link to={backTo}>
        <ArrowLeftOutlined /> {t('backToList')}
      </Link>
      <Typography.Title level={2}>{t('detailTitle', { id: params['id'] })}</Typography.Title>
      {valid ? <PushDetail id={id} /> : <Empty description={t('invalidId')} />}
    </>
  );
}
