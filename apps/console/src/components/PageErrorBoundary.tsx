import { Button, Result } from 'antd';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

function Crashed({ error }: { error: Error }) {
  const { t } = useTranslation();
  return (
    <Result
      status="error"
      title={t('error.title')}
      subTitle={error.message}
      extra={
        <Button type="primary" onClick={() => location.reload()}>
          {t('action.refresh')}
        </Button>
      }
    />
  );
}

/**
 * A page that throws while rendering, or whose chunk cannot be loaded, shows what happened and a
 * reload button instead of a blank window (React unmounts the whole tree otherwise).
 */
export class PageErrorBoundary extends Component<{ children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override componentDidCatch(_error: Error, _info: ErrorInfo): void {
    // Shown on the page; the browser's console has the stack.
  }

  override render(): ReactNode {
    return this.state.error ? <Crashed error={this.state.error} /> : this.props.children;
  }
}
