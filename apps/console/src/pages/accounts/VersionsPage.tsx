import { ArrowLeftOutlined, QrcodeOutlined } from '@ant-design/icons';
import {
  type InfiniteData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Empty,
  Form,
  Image,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Spin,
  Steps,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { api, unwrap } from '../../api/client';
import type {
  SchemaMiniProgramVersionsDto,
  SchemaReleaseActionDto,
  SchemaReleaseHistoryEntryDto,
  SchemaReleaseHistoryPageDto,
} from '../../api/schema';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import { RequireComponent } from '../../components/RequireComponent';
import './messages';
import { miniProgramOf } from './profile';
import {
  AUDIT_COLOR,
  availableActions,
  commitBody,
  currentStep,
  defaultExtJson,
  extJsonError,
  grayBody,
  grayError,
  grayState,
  minGrayPercentage,
  revertBody,
  submitBody,
  type CommitForm,
  type GrayForm,
  type SubmitForm,
  type VersionAction,
} from './versions';

const BASE = '/admin/v1/components/{componentAppid}/authorizers/{authorizerAppid}' as const;
type Ref = { componentAppid: string; authorizerAppid: string };

/** One by-hand action and its body, as the release actions take them. */
type ActionRequest =
  | { action: 'commit'; body: ReturnType<typeof commitBody> }
  | { action: 'submit'; body: ReturnType<typeof submitBody> }
  | { action: 'gray'; body: ReturnType<typeof grayBody> }
  | { action: 'revert'; body: ReturnType<typeof revertBody> }
  | { action: 'undo' | 'speedup' | 'release' | 'grayRevert' | 'visitOpen' | 'visitClose' };

function perform(path: Ref, request: ActionRequest): Promise<SchemaReleaseActionDto> {
  const params = { params: { path } };
  switch (request.action) {
    case 'commit':
      return unwrap(api.POST(`${BASE}/versions/commit`, { ...params, body: request.body }));
    case 'submit':
      return unwrap(api.POST(`${BASE}/versions/submit`, { ...params, body: request.body }));
    case 'gray':
      return unwrap(api.POST(`${BASE}/versions/gray`, { ...params, body: request.body }));
    case 'revert':
      return unwrap(api.POST(`${BASE}/versions/revert`, { ...params, body: request.body }));
    case 'undo':
      return unwrap(api.POST(`${BASE}/versions/undo`, params));
    case 'speedup':
      return unwrap(api.POST(`${BASE}/versions/speedup`, params));
    case 'release':
      return unwrap(api.POST(`${BASE}/versions/release`, params));
    case 'grayRevert':
      return unwrap(api.POST(`${BASE}/versions/gray/revert`, params));
    case 'visitOpen':
      return unwrap(api.PUT(`${BASE}/versions/visit-status`, { ...params, body: { action: 'open' } }));
    case 'visitClose':
      return unwrap(api.PUT(`${BASE}/versions/visit-status`, { ...params, body: { action: 'close' } }));
  }
}

function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(blob);
  });
}

function TrialQrcode({ path }: { path: Ref }) {
  const { t } = useTranslation('accounts');
  const [page, setPage] = useState('');
  /** The page asked for ('' the home page); undefined until asked (each read calls WeChat). */
  const [asked, setAsked] = useState<string>();
  const qrcode = useQuery({
    queryKey: ['trial-qrcode', path.componentAppid, path.authorizerAppid, asked],
    enabled: asked !== undefined,
    staleTime: 60_000,
    queryFn: async () => {
      // The API answers the image bytes (image/jpeg or the type WeChat gave), not JSON.
      const blob = await unwrap(
        api.GET(`${BASE}/versions/trial-qrcode`, {
          params: { path, query: asked ? { path: asked } : {} },
          parseAs: 'blob',
        }),
      );
      return blobToDataUrl(blob);
    },
  });
  return (
    <Card title={t('versions.qr.title')}>
      <Space wrap>
        <Input
          aria-label={t('versions.qr.path')}
          placeholder={t('versions.qr.pathPlaceholder')}
          style={{ width: 280 }}
          value={page}
          maxLength={512}
          onChange={(event) => setPage(event.target.value)}
          onPressEnter={() => setAsked(page.trim())}
        />
        <Button icon={<QrcodeOutlined />} loading={qrcode.isFetching} onClick={() => setAsked(page.trim())}>
          {t('versions.qr.show')}
        </Button>
      </Space>
      <ErrorAlert error={qrcode.error} style={{ marginTop: 16 }} />
      {qrcode.data ? (
        <div style={{ marginTop: 16 }}>
          <Image width={200} src={qrcode.data} alt={t('versions.qr.alt')} data-testid="trial-qrcode" />
        </div>
      ) : null}
    </Card>
  );
}

function ReleaseHistory({ path }: { path: Ref }) {
  const { t } = useTranslation('accounts');
  const history = useInfiniteQuery<
    SchemaReleaseHistoryPageDto,
    Error,
    InfiniteData<SchemaReleaseHistoryPageDto, string | undefined>,
    string[],
    string | undefined
  >({
    queryKey: ['release-history', path.componentAppid, path.authorizerAppid],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    queryFn: ({ pageParam }): Promise<SchemaReleaseHistoryPageDto> =>
      unwrap(
        api.GET(`${BASE}/release-history`, {
          params: { path, query: { limit: 20, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
  });
  const rows = history.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Card title={t('versions.history.title')}>
      <ErrorAlert error={history.error} style={{ marginBottom: 16 }} />
      <Table<SchemaReleaseHistoryEntryDto>
        rowKey="id"
        loading={history.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('versions.history.empty')} /> }}
        columns={[
          {
            title: t('versions.history.at'),
            dataIndex: 'occurredAt',
            render: (value: string) => formatTime(value),
          },
          {
            title: t('versions.history.action'),
            dataIndex: 'action',
            render: (value: string) => <Typography.Text code>{value}</Typography.Text>,
          },
          { title: t('versions.history.actor'), dataIndex: 'actor' },
          {
            title: t('versions.history.outcome'),
            dataIndex: 'outcome',
            render: (value: SchemaReleaseHistoryEntryDto['outcome']) => (
              <Tag color={value === 'failed' ? 'error' : value === 'already' ? 'default' : 'success'}>
                {t(`versions.outcome.${value}`)}
              </Tag>
            ),
          },
          {
            title: t('versions.history.message'),
            dataIndex: 'message',
            render: (value: string | null, row) =>
              value || row.errcode !== null
                ? `${row.errcode !== null ? `[${row.errcode}] ` : ''}${value ?? ''}`
                : '—',
          },
          {
            title: t('versions.history.campaign'),
            dataIndex: 'campaignId',
            render: (value: string | null) => (value ? <Link to={`/campaigns/${value}`}>{value}</Link> : '—'),
          },
        ]}
      />
      {history.hasNextPage ? (
        <Button
          style={{ marginTop: 16 }}
          loading={history.isFetchingNextPage}
          onClick={() => void history.fetchNextPage()}
        >
          {t('versions.history.more')}
        </Button>
      ) : null}
    </Card>
  );
}

function Overview({ versions }: { versions: SchemaMiniProgramVersionsDto }) {
  const { t } = useTranslation('accounts');
  const step = currentStep(versions);
  const gray = grayState(versions.grayPlan);
  return (
    <Card title={t('versions.overview')}>
      <Steps
        current={step.step}
        status={step.status}
        items={[
          { title: t('versions.trial'), content: versions.trial?.userVersion ?? t('versions.none') },
          {
            title: t('versions.audit'),
            content: versions.audit
              ? `${versions.audit.userVersion ?? ''} ${t(`versions.auditStatus.${versions.audit.statusName}`)}`
              : t('versions.none'),
          },
          { title: t('versions.online'), content: versions.online?.userVersion ?? t('versions.none') },
        ]}
      />
      <Descriptions
        style={{ marginTop: 24 }}
        bordered
        size="small"
        column={1}
        items={[
          {
            key: 'trial',
            label: t('versions.trial'),
            children: versions.trial
              ? `${versions.trial.userVersion} · ${versions.trial.userDesc} · ${formatTime(versions.trial.committedAt)}`
              : t('versions.none'),
          },
          {
            key: 'audit',
            label: t('versions.audit'),
            children: versions.audit ? (
              <Space orientation="vertical" size={4}>
                <Space wrap>
                  <Tag color={AUDIT_COLOR[versions.audit.statusName]} data-testid="audit-status">
                    {t(`versions.auditStatus.${versions.audit.statusName}`)}
                  </Tag>
                  <span>
                    {versions.audit.userVersion ?? '—'} ·{' '}
                    {t('versions.auditId', { id: versions.audit.auditId })} ·{' '}
                    {formatTime(versions.audit.submittedAt)}
                  </span>
                </Space>
                {versions.audit.reason ? (
                  <Typography.Text type="danger">{versions.audit.reason}</Typography.Text>
                ) : null}
                {versions.audit.screenshots.length ? (
                  <Space wrap>
                    {versions.audit.screenshots.map((src, index) => (
                      <Image
                        key={src}
                        width={80}
                        src={src}
                        alt={t('versions.screenshotAlt', { index: index + 1 })}
                      />
                    ))}
                  </Space>
                ) : null}
              </Space>
            ) : (
              t('versions.none')
            ),
          },
          {
            key: 'online',
            label: t('versions.online'),
            children: versions.online
              ? `${versions.online.userVersion} · ${versions.online.userDesc} · ${formatTime(versions.online.releasedAt)}`
              : t('versions.none'),
          },
          {
            key: 'gray',
            label: t('versions.grayPlan'),
            children:
              versions.grayPlan && gray ? (
                <Space wrap>
                  <Tag>{t(`versions.grayState.${gray}`)}</Tag>
                  <span>{t('versions.grayPercent', { percent: versions.grayPlan.grayPercentage })}</span>
                  {versions.grayPlan.supportExperiencerFirst ? (
                    <Tag>{t('versions.experiencerFirst')}</Tag>
                  ) : null}
                  {versions.grayPlan.supportDebugerFirst ? <Tag>{t('versions.debugerFirst')}</Tag> : null}
                </Space>
              ) : (
                t('versions.none')
              ),
          },
        ]}
      />
    </Card>
  );
}

function Versions({ componentAppid, authorizerAppid }: Ref) {
  const { t } = useTranslation('accounts');
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const path = { componentAppid, authorizerAppid };
  const [open, setOpen] = useState<'commit' | 'submit' | 'gray' | 'revert'>();
  const [commitForm] = Form.useForm<CommitForm>();
  const [submitForm] = Form.useForm<SubmitForm>();
  const [grayForm] = Form.useForm<GrayForm>();
  const [revertForm] = Form.useForm<{ appVersion?: number }>();

  const versions = useQuery({
    queryKey: ['versions', componentAppid, authorizerAppid],
    queryFn: () => unwrap(api.GET(`${BASE}/versions`, { params: { path } })),
  });
  const detail = useQuery({
    queryKey: ['authorizer', componentAppid, authorizerAppid],
    queryFn: () => unwrap(api.GET(BASE, { params: { path } })),
  });
  const templates = useQuery({
    queryKey: ['templates', componentAppid, 'all'],
    enabled: open === 'commit',
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/components/{componentAppid}/templates', {
          params: { path: { componentAppid }, query: { limit: 200, sort: 'createdAt', order: 'desc' } },
        }),
      ),
  });

  const act = useMutation({
    mutationFn: (request: ActionRequest) => perform(path, request),
    onSuccess: (reply, request) => {
      const action = t(`versions.action.${request.action}`);
      void message.success(
        reply.outcome === 'already'
          ? t('versions.done.already', { action })
          : t('versions.done.succeeded', { action }),
      );
      setOpen(undefined);
      void queryClient.invalidateQueries({ queryKey: ['versions', componentAppid, authorizerAppid] });
      void queryClient.invalidateQueries({ queryKey: ['release-history', componentAppid, authorizerAppid] });
      if (request.action === 'visitOpen' || request.action === 'visitClose') {
        void queryClient.invalidateQueries({ queryKey: ['authorizer', componentAppid, authorizerAppid] });
      }
    },
  });

  const allowed: Record<VersionAction, boolean> = {
    commit: can(`POST ${BASE}/versions/commit`),
    submit: can(`POST ${BASE}/versions/submit`),
    undo: can(`POST ${BASE}/versions/undo`),
    speedup: can(`POST ${BASE}/versions/speedup`),
    release: can(`POST ${BASE}/versions/release`),
    revert: can(`POST ${BASE}/versions/revert`),
    gray: can(`POST ${BASE}/versions/gray`),
    grayRevert: can(`POST ${BASE}/versions/gray/revert`),
    visitOpen: can(`PUT ${BASE}/versions/visit-status`),
    visitClose: can(`PUT ${BASE}/versions/visit-status`),
  };
  const anyAllowed = Object.values(allowed).some(Boolean);

  if (versions.isPending) return <Spin />;
  if (versions.error) return <ErrorAlert error={versions.error} />;
  const data = versions.data;
  const visitStatus = detail.data ? (miniProgramOf(detail.data)?.visitStatus ?? null) : undefined;
  const available = availableActions(data, visitStatus);
  const show = (action: VersionAction) => allowed[action];

  const openForm = (form: 'commit' | 'submit' | 'gray' | 'revert') => {
    act.reset();
    setOpen(form);
  };
  const confirm = (
    action: 'undo' | 'speedup' | 'release' | 'grayRevert' | 'visitOpen' | 'visitClose',
    danger: boolean,
  ) => {
    void modal.confirm({
      title: t(`versions.action.${action}`),
      content: t(`versions.confirm.${action}`),
      okText: t('common:action.confirm'),
      okButtonProps: { danger },
      cancelText: t('common:action.cancel'),
      onOk: () => act.mutateAsync({ action }).catch(() => undefined),
    });
  };
  const button = (
    action: VersionAction,
    onClick: () => void,
    options: { danger?: boolean; primary?: boolean } = {},
  ) =>
    show(action) ? (
      <Button
        key={action}
        danger={options.danger}
        type={options.primary ? 'primary' : 'default'}
        disabled={!available[action] || act.isPending}
        onClick={onClick}
      >
        {t(`versions.action.${action}`)}
      </Button>
    ) : null;

  const modalError = open ? <ErrorAlert error={act.error} style={{ marginBottom: 16 }} /> : null;

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      {detail.data ? (
        <Typography.Text>
          {detail.data.nickName ?? authorizerAppid}
          {detail.data.authorizerType !== 'mini_program' ? ` · ${t('versions.notMiniProgram')}` : ''}
        </Typography.Text>
      ) : null}
      <Overview versions={data} />

      {anyAllowed ? (
        <Card title={t('versions.actions')} data-testid="version-actions">
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Space wrap>
              {button('commit', () => openForm('commit'), { primary: true })}
              {button('submit', () => openForm('submit'))}
              {button('undo', () => confirm('undo', true), { danger: true })}
              {button('speedup', () => confirm('speedup', false))}
              {button('release', () => confirm('release', false), { primary: available.release })}
              {button('gray', () => openForm('gray'))}
              {button('grayRevert', () => confirm('grayRevert', true), { danger: true })}
              {button('revert', () => openForm('revert'), { danger: true })}
              {visitStatus === 0 || visitStatus === undefined || visitStatus === null
                ? button('visitClose', () => confirm('visitClose', true), { danger: true })
                : button('visitOpen', () => confirm('visitOpen', false))}
            </Space>
            <Typography.Text type="secondary">{t('versions.actionsHint')}</Typography.Text>
            {open ? null : <ErrorAlert error={act.error} />}
          </Space>
        </Card>
      ) : null}

      <TrialQrcode path={path} />
      <ReleaseHistory path={path} />

      <Modal
        open={open === 'commit'}
        title={t('versions.action.commit')}
        okText={t('common:action.confirm')}
        cancelText={t('common:action.cancel')}
        confirmLoading={act.isPending}
        onOk={() => commitForm.submit()}
        onCancel={() => setOpen(undefined)}
        destroyOnHidden
        width={640}
      >
        {modalError}
        <Form<CommitForm>
          form={commitForm}
          layout="vertical"
          name="commit"
          initialValues={{ extJson: defaultExtJson(authorizerAppid), userDesc: '' }}
          onFinish={(values) => act.mutate({ action: 'commit', body: commitBody(values) })}
        >
          <Form.Item
            label={t('versions.form.template')}
            name="templateId"
            rules={[{ required: true, message: t('versions.form.templateRequired') }]}
          >
            <Select<number>
              showSearch={{ optionFilterProp: 'label' }}
              loading={templates.isPending}
              placeholder={t('versions.form.templatePlaceholder')}
              notFoundContent={templates.isPending ? <Spin size="small" /> : t('versions.form.noTemplates')}
              options={templates.data?.items.map((template) => ({
                value: template.templateId,
                label: `#${template.templateId} ${template.userVersion} ${template.userDesc}`,
              }))}
              onChange={(templateId) => {
                const template = templates.data?.items.find((item) => item.templateId === templateId);
                if (!template) return;
                if (!commitForm.getFieldValue('userVersion'))
                  commitForm.setFieldValue('userVersion', template.userVersion);
                if (!commitForm.getFieldValue('userDesc'))
                  commitForm.setFieldValue('userDesc', template.userDesc);
              }}
            />
          </Form.Item>
          <ErrorAlert error={templates.error} style={{ marginBottom: 16 }} />
          <Form.Item
            label={t('versions.form.userVersion')}
            name="userVersion"
            rules={[
              { required: true, whitespace: true, message: t('versions.form.userVersionRequired') },
              { max: 64 },
            ]}
          >
            <Input />
          </Form.Item>
          <Form.Item label={t('versions.form.userDesc')} name="userDesc" rules={[{ max: 1024 }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item
            label={t('versions.form.extJson')}
            name="extJson"
            tooltip={t('versions.form.extJsonHelp')}
            rules={[
              {
                validator: (_, value: string | undefined) => {
                  const error = extJsonError(value);
                  return error ? Promise.reject(new Error(t(`versions.form.${error}`))) : Promise.resolve();
                },
              },
            ]}
          >
            <Input.TextArea rows={8} style={{ fontFamily: 'monospace' }} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={open === 'submit'}
        title={t('versions.action.submit')}
        okText={t('common:action.confirm')}
        cancelText={t('common:action.cancel')}
        confirmLoading={act.isPending}
        onOk={() => submitForm.submit()}
        onCancel={() => setOpen(undefined)}
        destroyOnHidden
        width={640}
      >
        {modalError}
        <Form<SubmitForm>
          form={submitForm}
          layout="vertical"
          name="submit-audit"
          initialValues={{ items: [] }}
          onFinish={(values) => act.mutate({ action: 'submit', body: submitBody(values) })}
        >
          <Typography.Paragraph>{t('versions.form.itemsHelp')}</Typography.Paragraph>
          <Form.List name="items">
            {(fields, { add, remove }) => (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {fields.map((field, index) => (
                  <Space key={field.key} align="start" wrap>
                    <Form.Item
                      name={[field.name, 'address']}
                      label={t('versions.form.itemAddress', { index: index + 1 })}
                      rules={[
                        { required: true, whitespace: true, message: t('versions.form.itemAddressRequired') },
                        { max: 256 },
                      ]}
                    >
                      <Input placeholder="pages/index/index" style={{ width: 200 }} />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'tag']}
                      label={t('versions.form.itemTag')}
                      rules={[{ max: 256 }]}
                    >
                      <Input style={{ width: 120 }} />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'title']}
                      label={t('versions.form.itemTitle')}
                      rules={[{ max: 256 }]}
                    >
                      <Input style={{ width: 140 }} />
                    </Form.Item>
                    <Button
                      style={{ marginTop: 30 }}
                      onClick={() => remove(field.name)}
                      aria-label={t('versions.form.itemRemove', { index: index + 1 })}
                    >
                      {t('common:action.delete')}
                    </Button>
                  </Space>
                ))}
                {fields.length < 5 ? (
                  <Button type="dashed" onClick={() => add({})}>
                    {t('versions.form.itemAdd')}
                  </Button>
                ) : null}
              </Space>
            )}
          </Form.List>
          <Form.Item
            style={{ marginTop: 16 }}
            label={t('versions.form.versionDesc')}
            name="versionDesc"
            rules={[{ max: 2000 }]}
          >
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.Item label={t('versions.form.feedbackInfo')} name="feedbackInfo" rules={[{ max: 200 }]}>
            <Input />
          </Form.Item>
          <Form.Item label={t('versions.form.orderPath')} name="orderPath" rules={[{ max: 256 }]}>
            <Input placeholder="pages/order/list" />
          </Form.Item>
          <Form.Item name="privacyApiNotUse" valuePropName="checked">
            <Checkbox>{t('versions.form.privacyApiNotUse')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={open === 'gray'}
        title={t('versions.action.gray')}
        okText={t('common:action.confirm')}
        cancelText={t('common:action.cancel')}
        confirmLoading={act.isPending}
        onOk={() => grayForm.submit()}
        onCancel={() => setOpen(undefined)}
        destroyOnHidden
      >
        {modalError}
        <Form<GrayForm>
          form={grayForm}
          layout="vertical"
          name="gray-release"
          initialValues={{ grayPercentage: minGrayPercentage(data.grayPlan) }}
          onFinish={(values) => act.mutate({ action: 'gray', body: grayBody(values) })}
        >
          <Form.Item
            label={t('versions.form.grayPercentage')}
            name="grayPercentage"
            extra={
              data.grayPlan && grayState(data.grayPlan) !== 'finished'
                ? t('versions.form.grayCurrent', { percent: data.grayPlan.grayPercentage })
                : undefined
            }
            dependencies={['supportExperiencerFirst', 'supportDebugerFirst']}
            rules={[
              ({ getFieldsValue }) => ({
                validator: () => {
                  const error = grayError(getFieldsValue(true) as GrayForm, data.grayPlan);
                  return error
                    ? Promise.reject(
                        new Error(t(`versions.form.${error}`, { min: minGrayPercentage(data.grayPlan) })),
                      )
                    : Promise.resolve();
                },
              }),
            ]}
          >
            <InputNumber min={0} max={100} precision={0} suffix="%" style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="supportExperiencerFirst" valuePropName="checked">
            <Checkbox>{t('versions.experiencerFirst')}</Checkbox>
          </Form.Item>
          <Form.Item name="supportDebugerFirst" valuePropName="checked">
            <Checkbox>{t('versions.debugerFirst')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={open === 'revert'}
        title={t('versions.action.revert')}
        okText={t('common:action.confirm')}
        okButtonProps={{ danger: true }}
        cancelText={t('common:action.cancel')}
        confirmLoading={act.isPending}
        onOk={() => revertForm.submit()}
        onCancel={() => setOpen(undefined)}
        destroyOnHidden
      >
        {modalError}
        <Typography.Paragraph>{t('versions.confirm.revert')}</Typography.Paragraph>
        <Form<{ appVersion?: number }>
          form={revertForm}
          layout="vertical"
          name="revert"
          onFinish={(values) => act.mutate({ action: 'revert', body: revertBody(values.appVersion) })}
        >
          <Form.Item label={t('versions.form.revertTo')} name="appVersion">
            <Select<number>
              allowClear
              placeholder={t('versions.form.revertPrevious')}
              options={data.history.map((version) => ({
                value: version.appVersion,
                label: `${version.userVersion} · ${version.userDesc} · ${formatTime(version.committedAt)}`,
              }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}

export default function VersionsPage() {
  const { t } = useTranslation('accounts');
  const { authorizerAppid = '' } = useParams();
  return (
    <>
      <Link to={`/accounts/${encodeURIComponent(authorizerAppid)}`}>
        <ArrowLeftOutlined /> {t('versions.back')}
      </Link>
      <Typography.Title level={2} style={{ marginTop: 8 }}>
        {t('versions.heading', { appid: authorizerAppid })}
      </Typography.Title>
      <RequireComponent>
        {(componentAppid) => <Versions componentAppid={componentAppid} authorizerAppid={authorizerAppid} />}
      </RequireComponent>
    </>
  );
}
