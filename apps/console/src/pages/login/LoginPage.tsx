import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';

import { ApiError } from '../../api/errors';
import { useAuth } from '../../auth/AuthProvider';
import { LanguageSwitch } from '../../layout/LanguageSwitch';
import { loginErrorMessage } from './login-error';

export default function LoginPage() {
  const { t } = useTranslation();
  const { user, login, signedOutReason } = useAuth();
  const location = useLocation();
  const [error, setError] = useState<unknown>();
  const [submitting, setSubmitting] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  if (user) return <Navigate to={from} replace />;

  const submit = async (values: { username: string; password: string }) => {
    setSubmitting(true);
    setError(undefined);
    try {
      await login(values.username, values.password);
    } catch (caught) {
      setError(caught);
    } finally {
      setSubmitting(false);
    }
  };
  const message = loginErrorMessage(error, t);
  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5' }}>
      <Card
        style={{ width: 380 }}
        title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('product')}</h1>}
        extra={<LanguageSwitch />}
      >
        {signedOutReason === 'expired' && !error ? (
          <Alert type="warning" showIcon title={t('login.expired')} style={{ marginBottom: 16 }} />
        ) : null}
        {message ? (
          <Alert
            type="error"
            showIcon
            role="alert"
            title={message}
            description={
              error instanceof ApiError && error.correlationId
                ? `${t('error.correlationId')}: ${error.correlationId}`
                : undefined
            }
            style={{ marginBottom: 16 }}
          />
        ) : null}
        <Form layout="vertical" onFinish={(values) => void submit(values)} requiredMark={false} name="login">
          <Form.Item label={t('login.username')} name="username" rules={[{ required: true }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label={t('login.password')} name="password" rules={[{ required: true }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting}>
            {t('login.submit')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>
          {t('login.firstAdmin')}
          <br />
          <Typography.Text code copyable>
            npm run admin -- create-user --username admin --role admin
          </Typography.Text>
        </Typography.Paragraph>
      </Card>
    </main>
  );
}
