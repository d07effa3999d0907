import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { Rule } from 'antd/es/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { api, unwrap } from '../../api/client';
import type { SchemaUpdateUserDto, SchemaUserDto } from '../../api/schema';
import { signOut } from '../../api/session';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import './messages';
import {
  PASSWORD_MAX_LENGTH,
  ROLES,
  USERNAME,
  USERS_PAGE_SIZE,
  changePasswordBody,
  createUserBody,
  editableBy,
  passwordProblem,
  userFiltersFromParams,
  userFiltersToParams,
  usersQuery,
  type ChangePasswordValues,
  type CreateUserValues,
  type Role,
  type UserFilters,
} from './users-logic';

/** The password policy as a form rule, against the username `usernameOf()` gives. */
function usePasswordRule(usernameOf: () => string | undefined): Rule {
  const { t } = useTranslation('users');
  return {
    validator: (_, value: string | undefined) => {
      const problem = passwordProblem(value, usernameOf());
      return problem ? Promise.reject(new Error(t(problem))) : Promise.resolve();
    },
  };
}

function MyPassword() {
  const { t } = useTranslation('users');
  const { user } = useAuth();
  const { modal } = App.useApp();
  const [form] = Form.useForm<ChangePasswordValues>();
  const passwordRule = usePasswordRule(() => user?.username);
  const change = useMutation({
    mutationFn: (values: ChangePasswordValues) =>
      unwrap(api.POST('/admin/v1/me/password', { body: changePasswordBody(values) })),
    onSuccess: () => {
      form.resetFields();
      // The API ended every session of this user, this one too.
      modal.success({
        title: t('changedTitle'),
        content: t('changedContent'),
        okText: t('signInAgain'),
        onOk: () => signOut('signed_out'),
      });
    },
  });
  return (
    <Card title={t('myPassword')} style={{ maxWidth: 520 }}>
      <Typography.Paragraph type="secondary">{t('myPasswordHelp')}</Typography.Paragraph>
      <Form<ChangePasswordValues>
        form={form}
        layout="vertical"
        name="change-my-password"
        onFinish={(values) => change.mutate(values)}
      >
        <Form.Item
          label={t('currentPassword')}
          name="currentPassword"
          rules={[{ required: true, message: t('required') }, { max: PASSWORD_MAX_LENGTH }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          label={t('newPassword')}
          name="newPassword"
          rules={[{ required: true, message: t('required') }, passwordRule]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label={t('confirmPassword')}
          name="confirmPassword"
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('required') },
            ({ getFieldValue }) => ({
              validator: (_, value: string | undefined) =>
                !value || value === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <ErrorAlert error={change.error} style={{ marginBottom: 16 }} />
        <Button type="primary" htmlType="submit" loading={change.isPending}>
          {t('change')}
        </Button>
      </Form>
    </Card>
  );
}

function CreateUserModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation('users');
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<CreateUserValues>();
  const passwordRule = usePasswordRule(() => form.getFieldValue('username') as string | undefined);
  const create = useMutation({
    mutationFn: (values: CreateUserValues) =>
      unwrap(api.POST('/admin/v1/users', { body: createUserBody(values) })),
    onSuccess: (user) => {
      void message.success(t('created', { username: user.username }));
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      form.resetFields();
      onClose();
    },
  });
  return (
    <Modal open={open} title={t('createTitle')} onCancel={onClose} footer={null} destroyOnHidden>
      <Form<CreateUserValues>
        form={form}
        layout="vertical"
        name="create-user"
        initialValues={{ role: 'viewer' }}
        onFinish={(values) => create.mutate(values)}
      >
        <Form.Item
          label={t('username')}
          name="username"
          rules={[
            { required: true, message: t('required') },
            { pattern: USERNAME, message: t('usernameInvalid') },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          label={t('password')}
          name="password"
          dependencies={['username']}
          rules={[{ required: true, message: t('required') }, passwordRule]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item label={t('role')} name="role" rules={[{ required: true }]}>
          <Select<Role> options={ROLES.map((role) => ({ value: role, label: t(`common:role.${role}`) }))} />
        </Form.Item>
        <ErrorAlert error={create.error} style={{ marginBottom: 16 }} />
        <Space>
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            {t('common:action.create')}
          </Button>
          <Button onClick={onClose}>{t('common:action.cancel')}</Button>
        </Space>
      </Form>
    </Modal>
  );
}

function ResetPasswordModal({ user, onClose }: { user: SchemaUserDto | undefined; onClose: () => void }) {
  const { t } = useTranslation('users');
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const passwordRule = usePasswordRule(() => user?.username);
  const reset = useMutation({
    mutationFn: ({ userId, password }: { userId: number; password: string }) =>
      unwrap(api.PATCH('/admin/v1/users/{userId}', { params: { path: { userId } }, body: { password } })),
    onSuccess: (saved) => {
      void message.success(t('passwordReset', { username: saved.username }));
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      onClose();
    },
  });
  return (
    <Modal
      open={user !== undefined}
      title={user ? t('resetTitle', { username: user.username }) : ''}
      onCancel={onClose}
      footer={null}
      destroyOnHidden
    >
      {user ? (
        <Form<{ password: string }>
          layout="vertical"
          name="reset-password"
          onFinish={({ password }) => reset.mutate({ userId: user.id, password })}
        >
          <Typography.Paragraph type="secondary">{t('resetHelp')}</Typography.Paragraph>
          <Form.Item
            label={t('newPassword')}
            name="password"
            rules={[{ required: true, message: t('required') }, passwordRule]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <ErrorAlert error={reset.error} style={{ marginBottom: 16 }} />
          <Space>
            <Button type="primary" danger htmlType="submit" loading={reset.isPending}>
              {t('resetPassword')}
            </Button>
            <Button onClick={onClose}>{t('common:action.cancel')}</Button>
          </Space>
        </Form>
      ) : null}
    </Modal>
  );
}

function UserList() {
  const { t } = useTranslation('users');
  const { user: me, can } = useAuth();
  const mayCreate = can('POST /admin/v1/users');
  const mayPatch = can('PATCH /admin/v1/users/{userId}');
  const mayDelete = can('DELETE /admin/v1/users/{userId}');
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = userFiltersFromParams(searchParams);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<SchemaUserDto>();
  const setFilters = (next: UserFilters) => setSearchParams(userFiltersToParams(next), { replace: true });

  const list = useQuery({
    queryKey: ['users', filters],
    queryFn: () => unwrap(api.GET('/admin/v1/users', { params: { query: usersQuery(filters) } })),
  });
  const update = useMutation({
    mutationFn: ({ userId, body }: { userId: number; body: SchemaUpdateUserDto }) =>
      unwrap(api.PATCH('/admin/v1/users/{userId}', { params: { path: { userId } }, body })),
    onSuccess: () => {
      void message.success(t('saved'));
      void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const remove = useMutation({
    mutationFn: (user: SchemaUserDto) =>
      unwrap(api.DELETE('/admin/v1/users/{userId}', { params: { path: { userId: user.id } } })).then(
        () => user,
      ),
    onSuccess: (user) => {
      void message.success(t('deleted', { username: user.username }));
      void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });

  return (
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
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Form
          key={searchParams.toString()}
          layout="inline"
          name="user-filters"
          initialValues={{
            username: filters.username,
            role: filters.role,
            disabled: filters.disabled === undefined ? undefined : String(filters.disabled),
          }}
          onFinish={(values: { username?: string; role?: Role; disabled?: 'true' | 'false' }) =>
            setFilters({
              username: values.username?.trim() || undefined,
              role: values.role,
              disabled: values.disabled === undefined ? undefined : values.disabled === 'true',
              page: 1,
            })
          }
        >
          <Form.Item label={t('username')} name="username">
            <Input allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item label={t('role')} name="role">
            <Select<Role>
              allowClear
              style={{ width: 140 }}
              placeholder={t('anyRole')}
              options={ROLES.map((role) => ({ value: role, label: t(`common:role.${role}`) }))}
            />
          </Form.Item>
          <Form.Item label={t('state')} name="disabled">
            <Select
              allowClear
              style={{ width: 140 }}
              placeholder={t('anyState')}
              options={[
                { value: 'false', label: t('active') },
                { value: 'true', label: t('disabled') },
              ]}
            />
          </Form.Item>
          <Space>
            <Button htmlType="submit">{t('common:action.search')}</Button>
            <Button onClick={() => setFilters({ page: 1 })}>{t('common:action.reset')}</Button>
          </Space>
        </Form>
        <ErrorAlert error={list.error ?? update.error ?? remove.error} />
        <Table<SchemaUserDto>
          rowKey="id"
          loading={list.isPending}
          dataSource={list.data?.items}
          locale={{ emptyText: <Empty description={t('empty')} /> }}
          pagination={{
            current: filters.page,
            pageSize: USERS_PAGE_SIZE,
            total: list.data?.total,
            onChange: (page) => setFilters({ ...filters, page }),
            showSizeChanger: false,
          }}
          columns={[
            {
              title: t('username'),
              dataIndex: 'username',
              render: (username: string, user) => (
                <Space size="small">
                  <Typography.Text strong>{username}</Typography.Text>
                  {me?.id === user.id ? <Tag color="blue">{t('you')}</Tag> : null}
                </Space>
              ),
            },
            {
              title: t('role'),
              dataIndex: 'role',
              render: (role: Role, user) =>
                mayPatch && editableBy(user, me).role ? (
                  <Select<Role>
                    aria-label={`${t('role')} ${user.username}`}
                    value={role}
                    style={{ width: 120 }}
                    disabled={update.isPending}
                    onChange={(next) => update.mutate({ userId: user.id, body: { role: next } })}
                    options={ROLES.map((value) => ({ value, label: t(`common:role.${value}`) }))}
                  />
                ) : (
                  <Tooltip title={t('ownRole')}>
                    <Tag>{t(`common:role.${role}`)}</Tag>
                  </Tooltip>
                ),
            },
            {
              title: t('state'),
              dataIndex: 'disabled',
              render: (disabled: boolean) =>
                disabled ? (
                  <Tag color="error">{t('disabled')}</Tag>
                ) : (
                  <Tag color="success">{t('active')}</Tag>
                ),
            },
            {
              title: t('lastLoginAt'),
              dataIndex: 'lastLoginAt',
              render: (value: string | null) => formatTime(value, t('never')),
            },
            {
              title: t('passwordChangedAt'),
              dataIndex: 'passwordChangedAt',
              render: (value: string) => formatTime(value),
            },
            {
              title: t('common:field.createdAt'),
              dataIndex: 'createdAt',
              render: (value: string) => formatTime(value),
            },
            {
              title: t('common:field.actions'),
              key: 'actions',
              render: (_, user) => {
                const may = editableBy(user, me);
                return (
                  <Space wrap>
                    {mayPatch && may.disabled ? (
                      <Popconfirm
                        title={user.disabled ? t('enable') : t('disable')}
                        description={t(user.disabled ? 'enableConfirm' : 'disableConfirm', {
                          username: user.username,
                        })}
                        okText={t('common:action.confirm')}
                        cancelText={t('common:action.cancel')}
                        onConfirm={() =>
                          update.mutate({ userId: user.id, body: { disabled: !user.disabled } })
                        }
                      >
                        <Button
                          size="small"
                          aria-label={`${user.disabled ? t('enable') : t('disable')} ${user.username}`}
                        >
                          {user.disabled ? t('enable') : t('disable')}
                        </Button>
                      </Popconfirm>
                    ) : null}
                    {mayPatch ? (
                      <Button
                        size="small"
                        aria-label={`${t('resetPassword')} ${user.username}`}
                        onClick={() => setResetting(user)}
                      >
                        {t('resetPassword')}
                      </Button>
                    ) : null}
                    {mayDelete && may.delete ? (
                      <Popconfirm
                        title={t('common:action.delete')}
                        description={t('deleteConfirm', { username: user.username })}
                        okText={t('common:action.delete')}
                        okButtonProps={{ danger: true }}
                        cancelText={t('common:action.cancel')}
                        onConfirm={() => remove.mutate(user)}
                      >
                        <Button
                          size="small"
                          danger
                          aria-label={`${t('common:action.delete')} ${user.username}`}
                        >
                          {t('common:action.delete')}
                        </Button>
                      </Popconfirm>
                    ) : null}
                  </Space>
                );
              },
            },
          ]}
        />
      </Space>
      <CreateUserModal open={creating} onClose={() => setCreating(false)} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(undefined)} />
    </Card>
  );
}

export default function UsersPage() {
  const { t } = useTranslation('users');
  const { can } = useAuth();
  const mayList = can('GET /admin/v1/users');
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('title')}
      </Typography.Title>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        {mayList ? (
          <>
            <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
            <UserList />
          </>
        ) : null}
        <MyPassword />
      </Space>
    </>
  );
}
