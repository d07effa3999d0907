import { Alert, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import { ApiError } from '../api/errors';

/** A failed call as the API explained it: its message, code and correlation id (for the logs). */
export function ErrorAlert({ error, style }: { error: unknown; style?: React.CSSProperties }) {
  const { t } = useTranslation();
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : undefined;
  const message =
    apiError?.code === 'network'
      ? t('error.network')
      : (apiError?.message ?? (error instanceof Error ? error.message : String(error)));
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={style}
      title={t('error.title')}
      description={
        <>
          <div>
            {message}
            {apiError && apiError.code !== 'network' ? (
              <Typography.Text code>{apiError.code}</Typography.Text>
            ) : null}
          </div>
          {apiError?.correlationId ? (
            <Typography.Text type="secondary" copyable={{ text: apiError.correlationId }}>
              {t('error.correlationId')}: {apiError.correlationId}
            </Typography.Text>
          ) : null}
        </>
      }
    />
  );
}
