import type { DocumentedType, EventCatalog } from './event-catalog';
import {
  compactExample,
  EVENTS_TABLE_END,
  EVENTS_TABLE_START,
  eventsTableIn,
  eventsTableSnippet,
  ReadmeMarkersError,
  renderEventsTable,
  replaceEventsTable,
  shorten,
} from './readme-events-table';

const DATA: DocumentedType = { name: 'X', fields: [] };

const CATALOG: EventCatalog = {
  exchange: 'wxop.events',
  envelope: DATA,
  routingPatterns: [],
  rawPushFamilies: [
    {
      prefix: 'raw.thing.',
      pattern: 'raw.thing.<kind>',
      when: 'a raw thing arrived.',
      since: '0.1.0',
      authorizer: 'optional',
      patterns: [],
      data: DATA,
      wellKnown: [],
      examples: [
        {
          id: 'r1',
          type: 'raw.thing.dropped',
          data: { Kind: 'dropped', raw: `<xml><Kind>dropped</Kind><Note>${'x'.repeat(100)}</Note></xml>` },
        },
        { id: 'r2', type: 'raw.thing.lost', data: { Kind: 'lost', raw: '<xml/>' } },
      ],
    },
    {
      prefix: 'raw.none.',
      pattern: 'raw.none.<kind>',
      when: 'never.',
      since: '0.2.0',
      authorizer: 'absent',
      patterns: [],
      data: DATA,
      wellKnown: [],
      examples: [],
    },
  ],
  domainEvents: [
    {
      type: 'thing.broken',
      constant: 'ThingBroken',
      publisher: 'things',
      since: '0.2.0',
      when: 'a thing broke.',
      authorizer: 'required',
      patterns: [],
      data: DATA,
      example: { id: 'e1', type: 'thing.broken', data: { shape: 'round | square', pieces: [1, 2] } },
    },
    {
      type: 'thing.quoted',
      constant: 'ThingQuoted',
      publisher: 'quotes',
      since: '0.3.0',
      when: 'a thing was quoted.',
      authorizer: 'absent',
      patterns: [],
      data: DATA,
      example: { id: 'e2', type: 'thing.quoted', data: { quote: 'a `b` c' } },
    },
  ],
};

describe(renderEventsTable.name, () => {
  const sut = renderEventsTable(CATALOG);
  const rows = sut.split('\n').filter((line) => line.startsWith('|'));

  it('has one row per raw-push family and per domain event, in the catalog order, under a header', () => {
    expect(rows[0]).toBe('| routing key | publisher | since | example `data` |');
    expect(rows[1]).toBe('| --- | --- | --- | --- |');
    expect(rows.slice(2).map((row) => row.split(' | ')[0])).toEqual([
      '| [`raw.thing.<kind>`](docs/events.md#rawthingkind)',
      '| [`raw.none.<kind>`](docs/events.md#rawnonekind)',
      '| [`thing.broken`](docs/events.md#thingbroken)',
      '| [`thing.quoted`](docs/events.md#thingquoted)',
    ]);
  });

  it("gives publisher, since and the example's data as one line of JSON in inline code, pipes escaped", () => {
    expect(rows[4]).toBe(
      '| [`thing.broken`](docs/events.md#thingbroken) | things | 0.2.0 | `{"shape":"round \\| square","pieces":[1,2]}` |',
    );
  });

  it("shows a raw family as published by ingress with its first fixture's data, the raw XML cut", () => {
    expect(rows[2]).toBe(
      '| [`raw.thing.<kind>`](docs/events.md#rawthingkind) | ingress | 0.1.0 | `{"Kind":"dropped","raw":"<xml><Kind>dropped</Kin…</xml>"}` |',
    );
    expect(rows[3]).toBe('| [`raw.none.<kind>`](docs/events.md#rawnonekind) | ingress | 0.2.0 | — |');
  });

  it('keeps inline code whole around backticks in the data', () => {
    expect(rows[5]).toContain('| `` {"quote":"a `b` c"} `` |');
  });

  it('links to another place of docs/events.md when asked', () => {
    expect(renderEventsTable(CATALOG, '../docs/events.md')).toContain('](../docs/events.md#thingbroken)');
  });

  it('says it is generated and how to regenerate it', () => {
    expect(sut.split('\n')[0]).toMatch(/^<!-- Generated .*npm run events:doc.* -->$/);
  });
});

describe(compactExample.name, () => {
  const limits = { maxString: 8, maxItems: 3, maxLength: 60 };

  it('is JSON.stringify for a short payload', () => {
    const data = { a: 1, b: 'two', c: [true, null], d: { e: 'f' } };
    expect(compactExample(data, limits)).toBe(JSON.stringify(data));
  });

  it('cuts long strings inside their quotes (code points, not UTF-16 units) and long arrays', () => {
    expect(compactExample({ s: 'abcdefghij', z: '小店小店小店小店小店', l: [1, 2, 3, 4, 5] }, limits)).toBe(
      '{"s":"abcdefg…","z":"小店小店小店小…","l":[1,2,3,…]}',
    );
  });

  it('drops the last members for … when the payload is still too long', () => {
    const data = { first: 'aaaaaaa', second: 'bbbbbbb', third: 'ccccccc', fourth: 'ddddddd' };
    const text = compactExample(data, limits);
    expect(text).toBe('{"first":"aaaaaaa","second":"bbbbbbb","third":"ccccccc",…}');
    expect(text.length).toBeLessThanOrEqual(limits.maxLength);
  });

  it('escapes what JSON escapes', () => {
    expect(compactExample({ q: 'a"b\\' }, limits)).toBe('{"q":"a\\"b\\\\"}');
  });
});

describe(shorten.name, () => {
  it('leaves a short text, cuts a long one to the limit with …, keeps the closing tag of markup', () => {
    expect(shorten('abc', 3)).toBe('abc');
    expect(shorten('abcd', 3)).toBe('ab…');
    expect(shorten('<xml><A>1</A><B>2</B></xml>', 10)).toBe('<xml><A>1…</xml>');
    expect(shorten('see </xml>, then more text', 10)).toBe('see </xml…');
  });
});

describe(replaceEventsTable.name, () => {
  const before = '# Title\n\nIntro with `code` and | pipes.\n\n## Subscribing to events\n\nText.\n';
  const after = '\nMore text, with an <!-- events-table:end --> not on a line of its own.\n';
  const readme = `${before}\n${EVENTS_TABLE_START}\n${EVENTS_TABLE_END}\n${after}`;

  it('puts the content between the markers, a blank line either side, and leaves the rest as it was', () => {
    const result = replaceEventsTable(readme, '| a |\n| --- |\n| 1 |\n');
    expect(result).toBe(
      `${before}\n${EVENTS_TABLE_START}\n\n| a |\n| --- |\n| 1 |\n\n${EVENTS_TABLE_END}\n${after}`,
    );
    expect(result.startsWith(`${before}\n${EVENTS_TABLE_START}\n`)).toBe(true);
    expect(result.endsWith(`\n${EVENTS_TABLE_END}\n${after}`)).toBe(true);
  });

  it('replaces what was between the markers, and changes nothing the second time', () => {
    const once = replaceEventsTable(readme, 'old table');
    const twice = replaceEventsTable(once, 'new table');
    expect(twice).toBe(replaceEventsTable(readme, 'new table'));
    expect(twice).not.toContain('old table');
    expect(replaceEventsTable(twice, 'new table')).toBe(twice);
    expect(eventsTableIn(twice)).toBe('new table');
  });

  it('keeps marker lines with trailing spaces as they are', () => {
    const spaced = `x\n${EVENTS_TABLE_START}  \nstale\n${EVENTS_TABLE_END}\t\ny\n`;
    expect(replaceEventsTable(spaced, 'T')).toBe(
      `x\n${EVENTS_TABLE_START}  \n\nT\n\n${EVENTS_TABLE_END}\t\ny\n`,
    );
  });

  it.each([
    ['no markers at all', 'just text\n', `no line ${EVENTS_TABLE_START} and no line ${EVENTS_TABLE_END}`],
    ['no start marker', `a\n${EVENTS_TABLE_END}\n`, `no line ${EVENTS_TABLE_START}.`],
    ['no end marker', `a\n${EVENTS_TABLE_START}\n`, `no line ${EVENTS_TABLE_END}.`],
    [
      'a marker not on a line of its own',
      `see ${EVENTS_TABLE_START}\n${EVENTS_TABLE_END}\n`,
      `no line ${EVENTS_TABLE_START}.`,
    ],
    [
      'markers in the wrong order',
      `${EVENTS_TABLE_END}\n${EVENTS_TABLE_START}\n`,
      `${EVENTS_TABLE_END} comes before ${EVENTS_TABLE_START}`,
    ],
    [
      'a marker twice',
      `${EVENTS_TABLE_START}\n${EVENTS_TABLE_END}\n${EVENTS_TABLE_START}\n`,
      `2 lines ${EVENTS_TABLE_START}`,
    ],
  ])('refuses %s, saying how to fix it', (_, text, problem) => {
    expect(() => replaceEventsTable(text, 'T')).toThrow(ReadmeMarkersError);
    expect(() => replaceEventsTable(text, 'T')).toThrow(problem);
    expect(() => eventsTableIn(text)).toThrow(/restore them and run npm run events:doc/);
  });
});

describe(eventsTableSnippet.name, () => {
  it('is the content between the markers as replaceEventsTable puts it there', () => {
    const snippet = eventsTableSnippet('\nT\n');
    expect(snippet).toBe(replaceEventsTable(`${EVENTS_TABLE_START}\n${EVENTS_TABLE_END}\n`, 'T'));
    expect(eventsTableIn(snippet)).toBe('T');
  });
});
