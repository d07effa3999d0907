// Writes docs/events.md and the README's events table (between its marker lines) from libs/contracts
// (`npm run events:doc`); `--check` only says whether both are up to date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { EventCatalogError } from './event-catalog';
import {
  EVENTS_DOC_PATH,
  generateDocs,
  readmeEventsTableUpToDate,
  writeReadmeEventsTable,
} from './events-doc';
import { EVENTS_TABLE_END, EVENTS_TABLE_START, README_PATH, ReadmeMarkersError } from './readme-events-table';
import { REGENERATE_COMMAND } from './render-events-doc';

const ROOT = join(__dirname, '..', '..', '..');

function main(): number {
  const check = process.argv.includes('--check');
  const target = join(ROOT, EVENTS_DOC_PATH);
  const { eventsDoc, readmeTable } = generateDocs(ROOT);
  // Before writing anything: throws ReadmeMarkersError when the README's markers are missing.
  const readmeCurrent = readmeEventsTableUpToDate(ROOT, readmeTable);
  if (check) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // missing: out of date
    }
    const stale = [
      ...(current === eventsDoc ? [] : [EVENTS_DOC_PATH]),
      ...(readmeCurrent
        ? []
        : [`${README_PATH}'s events table (between ${EVENTS_TABLE_START} and ${EVENTS_TABLE_END})`]),
    ];
    if (stale.length === 0) return 0;
    for (const what of stale)
      process.stderr.write(
        `${what} is out of date; regenerate it with: npm run events:doc (${REGENERATE_COMMAND})\n`,
      );
    return 1;
  }
  writeFileSync(target, eventsDoc);
  process.stdout.write(`wrote ${EVENTS_DOC_PATH}\n`);
  // Reads the README again right before writing it: only the lines between the markers change.
  const wrote = writeReadmeEventsTable(ROOT, readmeTable);
  process.stdout.write(
    wrote ? `wrote ${README_PATH}'s events table\n` : `${README_PATH}'s events table is up to date\n`,
  );
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  const text =
    error instanceof EventCatalogError || error instanceof ReadmeMarkersError
      ? error.message
      : String((error as Error).stack ?? error);
  process.stderr.write(`events-doc: ${text}\n`);
  process.exitCode = 1;
}
