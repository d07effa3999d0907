import { Alert, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import './messages';

/** A signing secret the API answers only once: shown here, copyable, never stored by the console. */
export function SecretOnce({ secret, description }: { secret: string; description: React.ReactNode }) {
  const { t } = useTranslation('forwarding');
  return (
    <>
      <Alert type="warning" showIcon title={description} style={{ marginBottom: 16 }} />
      <Typography.Paragraph
        code
        copyable={{ text: secret }}
        style={{ wordBreak: 'break-all', fontSize: 15 }}
        data-testid="signing-secret"
      >
        {secret}
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary">{t('signature')}</Typography.Paragraph>
    </>
  );
}
