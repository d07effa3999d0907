import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CONSOLE_PATH = '/console';

/** Where the built console is: the configured directory, else the first default that holds an index.html. */
export function findConsoleDir(configured: string, candidates = defaultConsoleDirs()): string | undefined {
  if (configured) return existsSync(join(configured, 'index.html')) ? resolve(configured) : undefined;
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

function defaultConsoleDirs(): string[] {
  return [resolve('dist/apps/console'), join(__dirname, 'console')];
}
