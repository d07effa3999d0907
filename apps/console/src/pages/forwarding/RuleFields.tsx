import { Form, Input, InputNumber, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';

import { PATTERN } from './forwarding-logic';
import './messages';

const HTTP_URL = /^https?:\/\/[^\s/?#]+\S*$/i;

/**
 * The fields of a rule, shared by the create modal and the rule page's settings. An emptied filter
 * (the clear buttons) is saved as cleared: updateRuleBody sends it as `null`.
 */
export function RuleFields({ componentOptions }: { componentOptions: { value: string; label: string }[] }) {
  const { t } = useTranslation('forwarding');
  return (
    <>
      <Form.Item
        label={t('targetUrl')}
        name="targetUrl"
        extra={t('targetUrlHelp')}
        rules={[
          { required: true, whitespace: true, message: t('urlRequired') },
          { pattern: HTTP_URL, message: t('urlInvalid') },
          { max: 2048 },
        ]}
      >
        <Input placeholder="https://hooks.example.com/wxop" autoComplete="off" />
      </Form.Item>
      <Form.Item
        label={t('events')}
        name="events"
        extra={t('eventsHelp')}
        // One pattern per rule: a new tag replaces the previous one.
        normalize={(value: string[] | undefined) =>
          (value ?? [])
            .map((v) => v.trim())
            .filter(Boolean)
            .slice(-1)
        }
        rules={[
          { required: true, type: 'array', min: 1, message: t('eventsRequired') },
          {
            validator: (_, value: string[] | undefined) =>
              (value ?? []).every((pattern) => PATTERN.test(pattern) && pattern.length <= 255)
                ? Promise.resolve()
                : Promise.reject(new Error(t('eventsInvalid'))),
          },
        ]}
      >
        <Select
          mode="tags"
          open={false}
          suffixIcon={null}
          placeholder="authorization.*"
          tokenSeparators={[' ', ',']}
        />
      </Form.Item>
      <Form.Item label={t('name')} name="name" rules={[{ max: 128 }]}>
        <Input placeholder={t('namePlaceholder')} autoComplete="off" />
      </Form.Item>
      <Form.Item
        label={t('componentAppid')}
        name="componentAppid"
        extra={t('filterHelp')}
        rules={[{ pattern: /^[A-Za-z0-9_-]{1,64}$/ }]}
      >
        <Select allowClear showSearch placeholder={t('filterPlaceholder')} options={componentOptions} />
      </Form.Item>
      <Form.Item
        label={t('authorizerAppid')}
        name="authorizerAppid"
        extra={t('filterHelp')}
        rules={[{ pattern: /^[A-Za-z0-9_-]{1,64}$/ }]}
      >
        <Input allowClear placeholder={t('filterPlaceholder')} autoComplete="off" />
      </Form.Item>
      <Form.Item label={t('concurrency')} name="concurrency" extra={t('concurrencyHelp')}>
        <InputNumber min={1} max={64} precision={0} style={{ width: 120 }} />
      </Form.Item>
      <Form.Item label={t('enabled')} name="enabled" valuePropName="checked">
        <Switch />
      </Form.Item>
    </>
  );
}
