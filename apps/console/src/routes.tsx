import {
  AppstoreOutlined,
  AuditOutlined,
  CloudUploadOutlined,
  DashboardOutlined,
  InboxOutlined,
  LinkOutlined,
  SendOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { lazy } from 'react';

import type { Route } from './auth/permissions';

/** A page of the side menu: its path, the route whose read it needs, its label key and icon. */
export interface NavItem {
  path: string;
  label: string;
  icon: React.ReactNode;
  /** Shown only to roles that may call this route. */
  needs: Route;
}

export const NAV: NavItem[] = [
  { path: '/', label: 'nav.dashboard', icon: <DashboardOutlined />, needs: 'GET /admin/v1/dashboard' },
  {
    path: '/links',
    label: 'nav.links',
    icon: <LinkOutlined />,
    needs: 'GET /admin/v1/components/{componentAppid}/authorization-links',
  },
  {
    path: '/accounts',
    label: 'nav.accounts',
    icon: <TeamOutlined />,
    needs: 'GET /admin/v1/components/{componentAppid}/authorizers',
  },
  { path: '/pushes', label: 'nav.pushes', icon: <InboxOutlined />, needs: 'GET /admin/v1/pushes' },
  {
    path: '/dead-letters',
    label: 'nav.deadLetters',
    icon: <WarningOutlined />,
    needs: 'GET /admin/v1/dead-letters',
  },
  {
    path: '/templates',
    label: 'nav.templates',
    icon: <AppstoreOutlined />,
    needs: 'GET /admin/v1/components/{componentAppid}/templates',
  },
  {
    path: '/campaigns',
    label: 'nav.campaigns',
    icon: <CloudUploadOutlined />,
    needs: 'GET /admin/v1/campaigns',
  },
  {
    path: '/forwarding',
    label: 'nav.forwarding',
    icon: <SendOutlined />,
    needs: 'GET /admin/v1/forwarding/rules',
  },
  {
    path: '/components',
    label: 'nav.components',
    icon: <SettingOutlined />,
    needs: 'GET /admin/v1/components',
  },
  { path: '/users', label: 'nav.users', icon: <UserOutlined />, needs: 'GET /admin/v1/users' },
  { path: '/audit', label: 'nav.audit', icon: <AuditOutlined />, needs: 'GET /admin/v1/audit-log' },
];

/** Each page is its own chunk: the first page loads only the shell and what it shows. */
export const PAGES = {
  dashboard: lazy(() => import('./pages/dashboard/DashboardPage')),
  links: lazy(() => import('./pages/links/LinksPage')),
  accounts: lazy(() => import('./pages/accounts/AccountsPage')),
  accountDetail: lazy(() => import('./pages/accounts/AccountDetailPage')),
  accountVersions: lazy(() => import('./pages/accounts/VersionsPage')),
  pushes: lazy(() => import('./pages/pushes/PushesPage')),
  pushDetail: lazy(() => import('./pages/pushes/PushDetailPage')),
  deadLetters: lazy(() => import('./pages/dead-letters/DeadLettersPage')),
  templates: lazy(() => import('./pages/templates/TemplatesPage')),
  campaigns: lazy(() => import('./pages/campaigns/CampaignsPage')),
  campaignNew: lazy(() => import('./pages/campaigns/CampaignWizardPage')),
  campaignDetail: lazy(() => import('./pages/campaigns/CampaignDetailPage')),
  forwarding: lazy(() => import('./pages/forwarding/ForwardingPage')),
  forwardingRule: lazy(() => import('./pages/forwarding/ForwardingRulePage')),
  components: lazy(() => import('./pages/components/ComponentsPage')),
  users: lazy(() => import('./pages/users/UsersPage')),
  audit: lazy(() => import('./pages/audit/AuditLogPage')),
};
