import { LogoutOutlined } from '@ant-design/icons';
import { Button, Layout, Menu, Select, Space, Spin, Tag, Typography } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';

import { useAuth } from '../auth/AuthProvider';
import { useComponent } from '../auth/ComponentProvider';
import { NAV } from '../routes';
import { LanguageSwitch } from './LanguageSwitch';
import { selectedNav } from './nav';

export function AppLayout() {
  const { t } = useTranslation();
  const { user, logout, can } = useAuth();
  const { components, componentAppid, setComponentAppid } = useComponent();
  const navigate = useNavigate();
  const location = useLocation();
  const items = NAV.filter((item) => can(item.needs));
  const selected = selectedNav(
    location.pathname,
    items.map((item) => item.path),
  );
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={208} theme="light" breakpoint="lg" collapsedWidth={0}>
        <div style={{ padding: '16px 20px', fontWeight: 600, fontSize: 16 }}>wxop</div>
        <nav aria-label={t('product')}>
          <Menu
            mode="inline"
            selectedKeys={selected ? [selected] : []}
            onClick={({ key }) => void navigate(key)}
            items={items.map((item) => ({ key: item.path, icon: item.icon, label: t(item.label) }))}
          />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            padding: '0 24px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            gap: 16,
          }}
        >
          <Space>
            <Typography.Text id="component-picker-label">{t('componentPicker.label')}</Typography.Text>
            <Select
              aria-labelledby="component-picker-label"
              style={{ minWidth: 220 }}
              placeholder={t('componentPicker.placeholder')}
              value={componentAppid}
              onChange={setComponentAppid}
              options={components.map((component) => ({
                value: component.componentAppid,
                label: component.componentAppid,
              }))}
            />
          </Space>
          <Space>
            <LanguageSwitch />
            <Typography.Text>{user?.username}</Typography.Text>
            {user ? <Tag color="blue">{t(`role.${user.role}`)}</Tag> : null}
            <Button icon={<LogoutOutlined />} onClick={() => void logout()}>
              {t('action.logout')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 24 }}>
          <main>
            <Suspense fallback={<Spin />}>
              <Outlet />
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
