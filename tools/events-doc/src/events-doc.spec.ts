import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DomainEventTypes, RawPushTypes } from '@wxop/contracts';

import {
  EVENTS_DOC_PATH,
  generateDocs,
  prettierFormat,
  readCatalogSources,
  type GeneratedDocs,
} from './events-doc';
import {
  EVENTS_TABLE_END,
  EVENTS_TABLE_START,
  eventsTableIn,
  README_PATH,
  replaceEventsTable,
} from './readme-events-table';
import { REGENERATE_COMMAND } from './render-events-doc';

const ROOT = join(__dirname, '..', '..', '..');

/** The first line where two texts differ, for a failure a person can act on. */
function firstDifference(expected: string, actual: string): string {
  const want = expected.split('\n');
  const have = actual.split('\n');
  const line = want.findIndex((text, index) => text !== have[index]);
  const at = line < 0 ? want.length : line;
  return `line ${at + 1}:\n  generated: ${want[at] ?? '(end of file)'}\n  committed: ${have[at] ?? '(end of file)'}`;
}

describe(generateDocs.name, () => {
  let generated: string;
  let docs: GeneratedDocs;

  beforeAll(() => {
    docs = generateDocs(ROOT, readCatalogSources(ROOT));
    generated = docs.eventsDoc;
  }, 60_000);

  it(`finds ${EVENTS_DOC_PATH} up to date with libs/contracts`, () => {
    let committed = '';
    try {
      committed = readFileSync(join(ROOT, EVENTS_DOC_PATH), 'utf8');
    } catch {
      // missing: reported below like any difference
    }
    if (committed !== generated) {
      throw new Error(
        `${EVENTS_DOC_PATH} is not what the generator writes now. Regenerate it with\n\n` +
          `  npm run events:doc    (or: ${REGENERATE_COMMAND})\n\n` +
          `and commit the result. First difference at ${firstDifference(generated, committed)}`,
      );
    }
  });

  it(`finds ${README_PATH}'s events table (between its markers) up to date with libs/contracts`, () => {
    // Throws, saying how to restore them, when the markers are missing.
    const committed = eventsTableIn(readFileSync(join(ROOT, README_PATH), 'utf8'));
    if (committed !== docs.readmeTable) {
      throw new Error(
        `${README_PATH}'s events table (between ${EVENTS_TABLE_START} and ${EVENTS_TABLE_END}) is not what ` +
          `the generator writes now. Regenerate it with\n\n` +
          `  npm run events:doc    (or: ${REGENERATE_COMMAND})\n\n` +
          `and commit the result. First difference in the table at ${firstDifference(docs.readmeTable, committed)}`,
      );
    }
  });

  it('writes the events table as Prettier leaves it in the README', () => {
    const readme = replaceEventsTable(readFileSync(join(ROOT, README_PATH), 'utf8'), docs.readmeTable);
    expect(eventsTableIn(prettierFormat(readme, join(ROOT, README_PATH)))).toBe(docs.readmeTable);
  }, 30_000);

  it("gives the README's table a row per raw-push family and per domain event, each linked to its section", () => {
    const rows = docs.readmeTable.split('\n').filter((line) => /^\| \[/.test(line));
    const keys = rows.map((row) => /^\| \[`([^`]+)`\]\(docs\/events\.md#([^)]+)\)/.exec(row)?.slice(1));
    expect(keys.map((key) => key?.[0])).toEqual([
      'wechat.component.<infotype>',
      'wechat.message.<msgtype>',
      'wechat.message.event.<event>',
      ...Object.values(DomainEventTypes),
    ]);
    const headings = generated.split('\n').filter((line) => line.startsWith('#'));
    for (const [key] of keys as [string, string][])
      expect(headings.some((heading) => heading.endsWith(`\`${key}\``))).toBe(true);
    for (const row of rows) expect(row).toMatch(/\| `\{.*\}` +\|$/);
  });

  it('documents every domain event and every well-known raw push libs/contracts registers', () => {
    for (const type of Object.values(DomainEventTypes)) expect(generated).toContain(`#### \`${type}\``);
    for (const type of Object.values(RawPushTypes)) expect(generated).toContain(`| \`${type}\``);
    for (const family of [
      'wechat.component.<infotype>',
      'wechat.message.<msgtype>',
      'wechat.message.event.<event>',
    ])
      expect(generated).toContain(`### \`${family}\``);
  });
});
