import type { EventCatalog } from './event-catalog';
import { renderEventsDoc, slug } from './render-events-doc';

const field = (name: string, type: string, meaning: string, extra: object = {}) => ({
  name,
  type,
  optional: false,
  rules: [],
  declaredIn: 'X',
  meaning,
  ...extra,
});

const CATALOG: EventCatalog = {
  exchange: 'wxop.events',
  envelope: { name: 'EventEnvelope', fields: [field('id', 'string', 'Unique per event.')] },
  routingPatterns: [
    { name: 'AllThings', pattern: 'thing.*' },
    { name: 'AllRaw', pattern: 'raw.#' },
  ],
  rawPushFamilies: [
    {
      prefix: 'raw.thing.',
      pattern: 'raw.thing.<kind>',
      when: 'a raw thing arrived.',
      since: '0.1.0',
      authorizer: 'optional',
      patterns: [{ name: 'AllRaw', pattern: 'raw.#' }],
      data: {
        name: 'RawThingData',
        doc: 'Raw things.',
        fields: [field('raw', 'string', 'As sent.')],
        otherFields: { type: 'unknown', meaning: 'Every other field.' },
      },
      wellKnown: [
        { type: 'raw.thing.dropped', constant: 'Dropped', when: 'a thing was dropped.', consumedBy: [] },
      ],
      examples: [{ id: 'r1', type: 'raw.thing.dropped', data: { raw: '<xml/>' } }],
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
      patterns: [{ name: 'AllThings', pattern: 'thing.*' }],
      data: {
        name: 'ThingBrokenData',
        fields: [
          field('shape', '"round" | "square"', 'Its shape.', {
            optional: true,
            rules: ['at most 9 characters'],
          }),
          field('reason', '"fell"', 'Why.', { values: [{ value: 'fell', doc: 'It fell.' }], since: '0.3.0' }),
        ],
      },
      example: { id: 'e1', type: 'thing.broken', data: { shape: 'round' } },
    },
  ],
};

describe(renderEventsDoc.name, () => {
  const sut = renderEventsDoc(CATALOG);

  it('gives each event its section: routing key, publisher, since, authorizerAppid, patterns, fields, example', () => {
    const section = sut.slice(sut.indexOf('#### `thing.broken`'));
    expect(section).toContain('**When:** a thing broke.');
    expect(section).toContain('- Routing key: `thing.broken`');
    expect(section).toContain('- Publisher: things');
    expect(section).toContain('- Since: 0.2.0');
    expect(section).toContain('- `authorizerAppid`: always');
    expect(section).toContain('- Bind with: `thing.broken`, `thing.*`');
    expect(section).toContain('"shape": "round"');
  });

  it('escapes pipes in table cells and adds values, rules and since to the meaning', () => {
    expect(sut).toContain('| `shape` | `"round" \\| "square"` | no | Its shape. (at most 9 characters) |');
    expect(sut).toContain('| `reason` | `"fell"` | yes | Why. `fell`: It fell. Since 0.3.0. |');
  });

  it('documents raw-push families with the narrowest pattern, further fields and well-known types', () => {
    expect(sut).toContain('### `raw.thing.<kind>`');
    expect(sut).toContain('- Bind with: `raw.thing.*`, `raw.#`');
    expect(sut).toContain('| any other | `unknown` | no | Every other field. |');
    expect(sut).toContain('| `raw.thing.dropped` | a thing was dropped. | — |');
  });

  it('lists what each named pattern matches', () => {
    expect(sut).toContain('| `thing.*` | `AllThings` | `thing.broken` |');
    expect(sut).toContain('| `raw.#` | `AllRaw` | `raw.thing.<kind>` |');
  });

  it('links only to headings the page has', () => {
    const anchors = new Set(
      sut
        .split('\n')
        .filter((line) => line.startsWith('#'))
        .map((line) => slug(line.replace(/^#+\s*/, ''))),
    );
    const links = [...sut.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1]);
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((link) => !anchors.has(link!))).toEqual([]);
  });
});

describe(slug.name, () => {
  it('makes the anchors GitHub makes', () => {
    expect(slug('`authorization.authorized`')).toBe('authorizationauthorized');
    expect(slug('`wechat.component.<infotype>`')).toBe('wechatcomponentinfotype');
    expect(slug('Forwarding to HTTP subscribers')).toBe('forwarding-to-http-subscribers');
    expect(slug('release events')).toBe('release-events');
  });
});
