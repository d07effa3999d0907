import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, Button, ConfigProvider, Result, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';

import { ApiError } from './api/errors';
import { AuthProvider, useAuth } from './auth/AuthProvider';
import { ComponentProvider } from './auth/ComponentProvider';
import { ErrorAlert } from './components/ErrorAlert';
import { PageErrorBoundary } from './components/PageErrorBoundary';
import { AppLayout } from './layout/AppLayout';
import LoginPage from './pages/login/LoginPage';
import { PAGES as P } from './routes';

/**
 * Colours that pass WCAG AA (4.5:1) where antd's defaults do not, as axe-core checks on every page
 * in the browser tests: WeChat's green darkened to 5.2:1 under white text (#07c160 is 2.4:1), links
 * at 6.2:1 (antd's #1677ff is 4.1:1), secondary and placeholder text darker than antd's 0.45 and
 * 0.25 alpha, status colours readable on their light tag backgrounds.
 */
const THEME = {
  token: {
    colorPrimary: '#067d45',
    colorLink: '#0958d9',
    colorInfo: '#0958d9',
    colorSuccess: '#237804',
    colorSuccessBg: '#f0f9eb',
    colorSuccessBorder: '#b7eb8f',
    colorWarning: '#ad4e00',
    colorWarningBg: '#fff7e6',
    colorWarningBorder: '#ffd591',
    colorError: '#cf1322',
    colorErrorBg: '#fff1f0',
    colorErrorBorder: '#ffa39e',
    colorInfoBg: '#e6f4ff',
    colorInfoBorder: '#91caff',
    colorTextSecondary: 'rgba(0, 0, 0, 0.68)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.56)',
  },
  components: {
    Menu: { itemSelectedColor: '#045c33', itemSelectedBg: '#e3f2e8' },
  },
};

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal (4xx) will not change by asking again; a network error or a 5xx may.
      retry: (failures, error) =>
        failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: true,
      staleTime: 5_000,
    },
  },
});

function RequireUser({ children }: { children: React.ReactNode }) {
  const { t } = useTranslation();
  const { user, loading, error, retry } = useAuth();
  const location = useLocation();
  if (loading) return <Spin fullscreen />;
  // The API did not answer who is signed in (a restart, the network): say so, keep the session.
  if (!user && error)
    return (
      <Result
        status="warning"
        title={t('error.title')}
        extra={
          <Button type="primary" onClick={retry}>
            {t('action.retry')}
          </Button>
        }
      >
        <ErrorAlert error={error} />
      </Result>
    );
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

function Shell() {
  const { i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  dayjs.locale(zh ? 'zh-cn' : 'en');
  return (
    <ConfigProvider locale={zh ? zhCN : enUS} theme={THEME} button={{ autoInsertSpace: false }}>
      <AntApp>
        <Suspense fallback={<Spin fullscreen />}>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route
              element={
                <RequireUser>
                  <ComponentProvider>
                    <PageErrorBoundary>
                      <AppLayout />
                    </PageErrorBoundary>
                  </ComponentProvider>
                </RequireUser>
              }
            >
              <Route index element={<P.dashboard />} />
              <Route path="links" element={<P.links />} />
              <Route path="accounts" element={<P.accounts />} />
              <Route path="accounts/:authorizerAppid" element={<P.accountDetail />} />
              <Route path="accounts/:authorizerAppid/versions" element={<P.accountVersions />} />
              <Route path="pushes" element={<P.pushes />} />
              <Route path="pushes/:id" element={<P.pushDetail />} />
              <Route path="dead-letters" element={<P.deadLetters />} />
              <Route path="templates" element={<P.templates />} />
              <Route path="campaigns" element={<P.campaigns />} />
              <Route path="campaigns/new" element={<P.campaignNew />} />
              <Route path="campaigns/:campaignId" element={<P.campaignDetail />} />
              <Route path="forwarding" element={<P.forwarding />} />
              <Route path="forwarding/:ruleId" element={<P.forwardingRule />} />
              <Route path="components" element={<P.components />} />
              <Route path="users" element={<P.users />} />
              <Route path="audit" element={<P.audit />} />
              <Route path="*" element={<Navigate to="/" replace />} />
            </Route>
          </Routes>
        </Suspense>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter basename="/console">
        <AuthProvider>
          <Shell />
        </AuthProvider>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
