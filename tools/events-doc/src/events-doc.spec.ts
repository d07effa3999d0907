import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DomainEventTypes, RawPushTypes } from '@wxop/contracts';

import { EVENTS_DOC_PATH, generateEventsDoc, readCatalogSources } from './events-doc';
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

describe(generateEventsDoc.name, () => {
  let generated: string;

  beforeAll(() => {
    generated = generateEventsDoc(ROOT, readCatalogSources(ROOT));
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
