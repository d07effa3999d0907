import { Empty, Spin } from 'antd';
import { useTranslation } from 'react-i18next';

import { useComponent } from '../auth/ComponentProvider';
import { ErrorAlert } from './ErrorAlert';

/** Renders `children(componentAppid)` once a component is chosen; says what to do while none exists. */
export function RequireComponent({ children }: { children: (componentAppid: string) => React.ReactNode }) {
  const { t } = useTranslation();
  const { components, componentAppid, loading, error } = useComponent();
  if (loading) return <Spin />;
  // A failed background refresh keeps the list it had: only an empty one is an error here.
  if (error && components.length === 0) return <ErrorAlert error={error} />;
  if (!componentAppid) return <Empty description={t('empty.noComponent')} />;
  return <>{children(componentAppid)}</>;
}
