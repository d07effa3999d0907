import { useQuery } from '@tanstack/react-query';
import { createContext, useContext, useMemo, useState } from 'react';

import { api, unwrap } from '../api/client';
import type { SchemaComponentDto } from '../api/schema';

interface ComponentState {
  components: SchemaComponentDto[];
  /** The component the pages work on (the header's picker); undefined while none exists. */
  componentAppid: string | undefined;
  setComponentAppid(appid: string): void;
  loading: boolean;
  error: unknown;
}

const KEY = 'wxop.console.component';
const ComponentContext = createContext<ComponentState | undefined>(undefined);

/** The components the platform runs, and which one the pages show (kept across reloads). */
export function ComponentProvider({ children }: { children: React.ReactNode }) {
  const [chosen, setChosen] = useState(() => localStorage.getItem(KEY) ?? undefined);
  const list = useQuery({
    queryKey: ['components'],
    queryFn: () => unwrap(api.GET('/admin/v1/components')),
  });
  const components = useMemo(() => list.data?.items ?? [], [list.data]);
  const componentAppid =
    components.find((component) => component.componentAppid === chosen)?.componentAppid ??
    components[0]?.componentAppid;
  const value = useMemo<ComponentState>(
    () => ({
      components,
      componentAppid,
      setComponentAppid: (appid) => {
        localStorage.setItem(KEY, appid);
        setChosen(appid);
      },
      loading: list.isPending,
      error: list.error,
    }),
    [components, componentAppid, list.isPending, list.error],
  );
  return <ComponentContext.Provider value={value}>{children}</ComponentContext.Provider>;
}

export function useComponent(): ComponentState {
  const value = useContext(ComponentContext);
  if (!value) throw new Error('useComponent outside ComponentProvider');
  return value;
}
