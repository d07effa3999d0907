import { CloudDownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Empty,
  Input,
  Popconfirm,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { api, unwrap } from '../../api/client';
import type { SchemaDraftDto, SchemaTemplateDto, SchemaTemplateLibraryDto } from '../../api/schema';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import { RequireComponent } from '../../components/RequireComponent';
import {
  PAGE_SIZE,
  draftsQuery,
  switchTab,
  syncAge,
  templateAudit,
  templatesQuery,
  viewFromParams,
  viewToParams,
  type LibraryTab,
  type LibraryView,
  type TemplateType,
} from './library';
import './messages';

function Library({ componentAppid }: { componentAppid: string }) {
  const { t } = useTranslation('templates');
  const { can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => viewFromParams(params), [params]);
  const [q, setQ] = useState(view.q ?? '');
  const [shown, setShown] = useState(view);
  if (shown !== view) {
    setShown(view);
    setQ(view.q ?? '');
  }
  const update = (next: Partial<LibraryView>) => setParams(viewToParams({ ...view, page: 1, ...next }));

  const maySync = can('POST /admin/v1/components/{componentAppid}/templates/sync');
  const mayAdd = can('POST /admin/v1/components/{componentAppid}/drafts/{draftId}/templates');
  const mayDelete = can('DELETE /admin/v1/components/{componentAppid}/templates/{templateId}');

  const templates = useQuery({
    queryKey: ['templates', componentAppid, 'page', view],
    enabled: view.tab === 'templates',
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/components/{componentAppid}/templates', {
          params: { path: { componentAppid }, query: templatesQuery(view) },
        }),
      ),
  });
  const drafts = useQuery({
    queryKey: ['drafts', componentAppid, view],
    enabled: view.tab === 'drafts',
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/components/{componentAppid}/drafts', {
          params: { path: { componentAppid }, query: draftsQuery(view) },
        }),
      ),
  });

  const changed = (library: SchemaTemplateLibraryDto) => {
    queryClient.setQueryData(['template-library', componentAppid], library);
    void queryClient.invalidateQueries({ queryKey: ['templates', componentAppid] });
    void queryClient.invalidateQueries({ queryKey: ['drafts', componentAppid] });
  };
  const sync = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/admin/v1/components/{componentAppid}/templates/sync', {
          params: { path: { componentAppid } },
        }),
      ),
    onSuccess: (library) => {
      changed(library);
      void message.success(
        t('synced', { templates: library.templates.length, drafts: library.drafts.length }),
      );
    },
  });
  const add = useMutation({
    mutationFn: ({ draftId, templateType }: { draftId: number; templateType: TemplateType }) =>
      unwrap(
        api.POST('/admin/v1/components/{componentAppid}/drafts/{draftId}/templates', {
          params: { path: { componentAppid, draftId } },
          body: { templateType },
        }),
      ),
    onSuccess: (library) => {
      changed(library);
      void message.success(t('added'));
    },
  });
  const remove = useMutation({
    mutationFn: (templateId: number) =>
      unwrap(
        api.DELETE('/admin/v1/components/{componentAppid}/templates/{templateId}', {
          params: { path: { componentAppid, templateId } },
        }),
      ),
    onSuccess: (library) => {
      changed(library);
      void message.success(t('deleted'));
    },
  });
  // When the library shown was read from WeChat: the list's answer, else the last action's here.
  const library = queryClient.getQueryData<SchemaTemplateLibraryDto>(['template-library', componentAppid]);
  const listed = view.tab === 'templates' ? templates.data : drafts.data;
  const syncedAt = listed ? listed.syncedAt : library?.syncedAt;
  const age = syncAge(syncedAt);
  const filtered = Boolean(view.q || view.templateType !== undefined);

  const search = (
    <Space wrap style={{ marginBottom: 16 }}>
      <Input.Search
        aria-label={t('search')}
        placeholder={t('searchPlaceholder')}
        allowClear
        style={{ width: 280 }}
        value={q}
        maxLength={128}
        onChange={(event) => setQ(event.target.value)}
        onSearch={(value) => update({ q: value })}
        enterButton={t('common:action.search')}
      />
      {view.tab === 'templates' ? (
        <Select<TemplateType>
          allowClear
          aria-label={t('templateType')}
          placeholder={t('templateType')}
          style={{ width: 160 }}
          value={view.templateType}
          onChange={(templateType) => update({ templateType })}
          options={[
            { value: 0, label: t('type0') },
            { value: 1, label: t('type1') },
          ]}
        />
      ) : null}
      {filtered ? (
        <Button onClick={() => setParams(viewToParams(switchTab(view.tab)))}>
          {t('common:action.reset')}
        </Button>
      ) : null}
    </Space>
  );

  const templatesTable = (
    <>
      {search}
      <ErrorAlert error={templates.error ?? remove.error} style={{ marginBottom: 16 }} />
      <Table<SchemaTemplateDto>
        rowKey="templateId"
        loading={templates.isPending || templates.isPlaceholderData}
        dataSource={templates.data?.items}
        scroll={{ x: 'max-content' }}
        locale={{
          emptyText: (
            <Empty
              description={
                filtered ? t('emptyFiltered') : maySync ? t('emptyTemplates') : t('emptyTemplatesViewer')
              }
            />
          ),
        }}
        pagination={{
          current: view.page,
          pageSize: PAGE_SIZE,
          total: templates.data?.total,
          showSizeChanger: false,
          onChange: (page) => setParams(viewToParams({ ...view, page })),
        }}
        columns={[
          { title: t('templateId'), dataIndex: 'templateId' },
          { title: t('userVersion'), dataIndex: 'userVersion' },
          { title: t('userDesc'), dataIndex: 'userDesc', render: (value: string) => value || '—' },
          {
            title: t('templateType'),
            dataIndex: 'templateType',
            render: (value: number, row) => {
              const audit = templateAudit(row.auditStatus);
              return (
                <Space size={4} wrap>
                  <Tag>{t(value === 1 ? 'type1' : 'type0')}</Tag>
                  {value === 1 && audit ? (
                    <Tag color={audit.color} title={row.reason ?? undefined}>
                      {t(`audit.${audit.key}`)}
                    </Tag>
                  ) : null}
                </Space>
              );
            },
          },
          {
            title: t('source'),
            dataIndex: 'sourceMiniprogram',
            render: (value: string | null, row) => value ?? row.sourceMiniprogramAppid ?? '—',
          },
          { title: t('developer'), dataIndex: 'developer', render: (value: string | null) => value ?? '—' },
          {
            title: t('common:field.createdAt'),
            dataIndex: 'createdAt',
            render: (value: string) => formatTime(value),
          },
          ...(mayDelete
            ? [
                {
                  title: t('common:field.actions'),
                  key: 'actions',
                  render: (_: unknown, row: SchemaTemplateDto) => (
                    <Popconfirm
                      title={t('deleteConfirm', { id: row.templateId, version: row.userVersion })}
                      okText={t('common:action.delete')}
                      okButtonProps={{ danger: true }}
                      cancelText={t('common:action.cancel')}
                      onConfirm={() => remove.mutate(row.templateId)}
                    >
                      <Button
                        danger
                        size="small"
                        loading={remove.isPending && remove.variables === row.templateId}
                        aria-label={t('deleteLabel', { id: row.templateId })}
                      >
                        {t('common:action.delete')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
    </>
  );

  const draftsTable = (
    <>
      {search}
      <ErrorAlert error={drafts.error ?? add.error} style={{ marginBottom: 16 }} />
      <Table<SchemaDraftDto>
        rowKey="draftId"
        loading={drafts.isPending || drafts.isPlaceholderData}
        dataSource={drafts.data?.items}
        scroll={{ x: 'max-content' }}
        locale={{
          emptyText: (
            <Empty
              description={
                filtered ? t('emptyFiltered') : maySync ? t('emptyDrafts') : t('emptyDraftsViewer')
              }
            />
          ),
        }}
        pagination={{
          current: view.page,
          pageSize: PAGE_SIZE,
          total: drafts.data?.total,
          showSizeChanger: false,
          onChange: (page) => setParams(viewToParams({ ...view, page })),
        }}
        columns={[
          { title: t('draftId'), dataIndex: 'draftId' },
          { title: t('userVersion'), dataIndex: 'userVersion' },
          { title: t('userDesc'), dataIndex: 'userDesc', render: (value: string) => value || '—' },
          {
            title: t('source'),
            dataIndex: 'sourceMiniprogram',
            render: (value: string | null, row) => value ?? row.sourceMiniprogramAppid ?? '—',
          },
          { title: t('developer'), dataIndex: 'developer', render: (value: string | null) => value ?? '—' },
          {
            title: t('common:field.createdAt'),
            dataIndex: 'createdAt',
            render: (value: string) => formatTime(value),
          },
          ...(mayAdd
            ? [
                {
                  title: t('common:field.actions'),
                  key: 'actions',
                  render: (_: unknown, row: SchemaDraftDto) => {
                    const busy = add.isPending && add.variables?.draftId === row.draftId;
                    return (
                      <Space>
                        <Button
                          size="small"
                          type="primary"
                          disabled={add.isPending}
                          loading={busy && add.variables?.templateType === 0}
                          onClick={() => add.mutate({ draftId: row.draftId, templateType: 0 })}
                          data-testid={`add-draft-${row.draftId}`}
                        >
                          {t('addToTemplates')}
                        </Button>
                        <Button
                          size="small"
                          disabled={add.isPending}
                          loading={busy && add.variables?.templateType === 1}
                          onClick={() => add.mutate({ draftId: row.draftId, templateType: 1 })}
                        >
                          {t('addAsStandard')}
                        </Button>
                      </Space>
                    );
                  },
                },
              ]
            : []),
        ]}
      />
    </>
  );

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
      <Card
        extra={
          maySync ? (
            <Button icon={<CloudDownloadOutlined />} loading={sync.isPending} onClick={() => sync.mutate()}>
              {t('sync')}
            </Button>
          ) : null
        }
        title={
          listed || library ? (
            <Tooltip title={syncedAt ? formatTime(syncedAt) : undefined}>
              <span data-testid="library-synced">{t(age.key, { count: age.count })}</span>
            </Tooltip>
          ) : (
            t('library')
          )
        }
      >
        <ErrorAlert error={sync.error} style={{ marginBottom: 16 }} />
        <Tabs
          activeKey={view.tab}
          onChange={(key) => setParams(viewToParams(switchTab(key as LibraryTab)))}
          items={[
            { key: 'templates', label: t('tabTemplates'), children: templatesTable },
            { key: 'drafts', label: t('tabDrafts'), children: draftsTable },
          ]}
        />
      </Card>
    </Space>
  );
}

export default function TemplatesPage() {
  const { t } = useTranslation('templates');
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('title')}
      </Typography.Title>
      <RequireComponent>{(componentAppid) => <Library componentAppid={componentAppid} />}</RequireComponent>
    </>
  );
}
