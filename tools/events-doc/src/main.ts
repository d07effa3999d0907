// Writes docs/events.md from libs/contracts (`npm run events:doc`); `--check` only says whether it is up to date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { EventCatalogError } from './event-catalog';
import { EVENTS_DOC_PATH, generateEventsDoc } from './events-doc';
import { REGENERATE_COMMAND } from './render-events-doc';

const ROOT = join(__dirname, '..', '..', '..');

function main(): number {
  const check = process.argv.includes('--check');
  const target = join(ROOT, EVENTS_DOC_PATH);
  const text = generateEventsDoc(ROOT);
  if (check) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // missing: out of date
    }
    if (current === text) return 0;
    process.stderr.write(
      `${EVENTS_DOC_PATH} is out of date; regenerate it with: npm run events:doc (${REGENERATE_COMMAND})\n`,
    );
    return 1;
  }
  writeFileSync(target, text);
  process.stdout.write(`wrote ${EVENTS_DOC_PATH}\n`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  const text = error instanceof EventCatalogError ? error.message : String((error as Error).stack ?? error);
  process.stderr.write(`events-doc: ${text}\n`);
  process.exitCode = 1;
}
