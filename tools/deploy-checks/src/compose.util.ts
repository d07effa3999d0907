import { parse } from 'yaml';

import { readWorkspaceFile } from './app-catalog.util';

export interface ComposeService {
  image?: string;
  build?: { context: string; target?: string };
  profiles?: string[];
  env_file?: { path: string; required?: boolean }[];
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  command?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** Every `${NAME}`, `${NAME:-default}` or `${NAME-default}` in the file (`$$` is a literal dollar). */
export function interpolatedVariables(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name] of text.replace(/\$\$/g, '').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-[^}]*)?\}/g)) {
    names.add(name!);
  }
  return names;
}

/** Compose's interpolation with the given variables (what it reads from .env and the shell). */
export function interpolate(text: string, variables: Record<string, string | undefined>): string {
  return text
    .replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)-([^}]*))?\}/g,
      (_all, name: string, colon?: string, fallback?: string) => {
        const value = variables[name];
        if (fallback === undefined) return value ?? '';
        const unset = colon ? value === undefined || value === '' : value === undefined;
        return unset ? fallback : value!;
      },
    )
    .replace(/\$\$/g, '$');
}

/** docker-compose.yml as compose sees it with these variables (YAML merge keys resolved). */
export function loadCompose(variables: Record<string, string | undefined> = {}): ComposeFile {
  return parse(interpolate(readWorkspaceFile('docker-compose.yml'), variables), {
    merge: true,
  }) as ComposeFile;
}

/** The environment a service's container gets: env_file (.env, when given) overridden by `environment`. */
export function containerEnv(
  service: ComposeService,
  dotEnv: Map<string, string> | undefined,
): Record<string, string> {
  const env: Record<string, string> = {};
  if (dotEnv && service.env_file?.some((file) => file.path === '.env')) {
    for (const [name, value] of dotEnv) env[name] = value;
  }
  for (const [name, value] of Object.entries(service.environment ?? {})) env[name] = String(value);
  return env;
}

/** `'127.0.0.1:3200:3200'` → { host: '3200', container: 3200 }. */
export function parsePort(mapping: string): { host: string; container: number } {
  const parts = mapping.split(':');
  return { host: parts[parts.length - 2] ?? '', container: Number(parts[parts.length - 1]) };
}
