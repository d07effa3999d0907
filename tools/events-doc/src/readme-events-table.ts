import type { EventCatalog } from './event-catalog';
import { RAW_PUSH_PUBLISHER, REGENERATE_COMMAND, slug, table } from './render-events-doc';

/** The README, relative to the repository root. */
export const README_PATH = 'README.md';

/** The lines between which the generator owns the README (everything else is people's). */
export const EVENTS_TABLE_START = '<!-- events-table:start -->';
export const EVENTS_TABLE_END = '<!-- events-table:end -->';

/** The README's marker lines are missing, repeated or in the wrong order. */
export class ReadmeMarkersError extends Error {
  constructor(problem: string) {
    super(
      `${README_PATH}: ${problem}. The events table goes between a line ${EVENTS_TABLE_START} and a later ` +
        `line ${EVENTS_TABLE_END} (each on a line of its own, once, in the "Subscribing to events" section); ` +
        `restore them and run npm run events:doc (${REGENERATE_COMMAND}).`,
    );
    this.name = 'ReadmeMarkersError';
  }
}

/** How {@link compactExample} shortens a payload. */
export interface ExampleLimits {
  /** Longer strings are cut to this many characters, the last one `…` (a closing tag like `</xml>` is kept). */
  maxString: number;
  /** Longer arrays keep this many items, then `…`. */
  maxItems: number;
  /** Beyond this length, the object's last members give way to `…`. */
  maxLength: number;
}

export const EXAMPLE_LIMITS: ExampleLimits = { maxString: 24, maxItems: 5, maxLength: 240 };

/**
 * The table of every event type a subscriber can bind (each raw-push family as one row, then every
 * domain event): routing key linked to its section of docs/events.md, publisher, since, an example
 * `data`. Markdown before Prettier, which the caller applies.
 */
export function renderEventsTable(
  catalog: EventCatalog,
  eventsDoc = 'docs/events.md',
  limits: ExampleLimits = EXAMPLE_LIMITS,
): string {
  const link = (key: string, anchor: string) => `[\`${key}\`](${eventsDoc}#${slug(anchor)})`;
  const rows = [
    // A family's example is its first fixture (its InfoType, MsgType or Event says which type it is).
    ...catalog.rawPushFamilies.map((family) => {
      const example = family.examples[0];
      return [
        link(family.pattern, family.pattern),
        RAW_PUSH_PUBLISHER,
        family.since,
        example ? codeSpan(compactExample(example['data'], limits)) : '—',
      ];
    }),
    ...catalog.domainEvents.map((event) => [
      link(event.type, event.type),
      event.publisher,
      event.since,
      codeSpan(compactExample(event.example['data'], limits)),
    ]),
  ];
  return [
    `<!-- Generated from libs/contracts by tools/events-doc: do not edit between the markers. Regenerate with \`${REGENERATE_COMMAND}\` (npm run events:doc). -->`,
    '',
    table(['routing key', 'publisher', 'since', 'example `data`'], rows),
  ].join('\n');
}

/**
 * A payload as one line of JSON, shortened to stay readable in a table cell: long strings (the raw
 * XML) cut with `…` inside their quotes, long arrays and, if still too long, the object's last
 * members replaced by `…`.
 */
export function compactExample(data: unknown, limits: ExampleLimits = EXAMPLE_LIMITS): string {
  const text = serialize(data, limits);
  if (text.length <= limits.maxLength || !isPlainObject(data)) return text;
  const members = memberTexts(data, limits);
  for (let kept = members.length - 1; kept > 0; kept--) {
    const shortened = `{${[...members.slice(0, kept), '…'].join(',')}}`;
    if (shortened.length <= limits.maxLength) return shortened;
  }
  return `{${[...members.slice(0, 1), '…'].join(',')}}`;
}

function serialize(value: unknown, limits: ExampleLimits): string {
  if (Array.isArray(value)) {
    const items = value.slice(0, limits.maxItems).map((item) => serialize(item, limits));
    if (value.length > limits.maxItems) items.push('…');
    return `[${items.join(',')}]`;
  }
  if (isPlainObject(value)) return `{${memberTexts(value, limits).join(',')}}`;
  if (typeof value === 'string') return JSON.stringify(shorten(value, limits.maxString));
  return JSON.stringify(value) ?? 'null';
}

function memberTexts(value: Record<string, unknown>, limits: ExampleLimits): string[] {
  return Object.entries(value)
    .filter(([, member]) => member !== undefined)
    .map(([key, member]) => `${JSON.stringify(key)}:${serialize(member, limits)}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `text` cut to `max` characters (code points), the last one `…`; markup keeps its closing tag. */
export function shorten(text: string, max: number): string {
  const characters = Array.from(text);
  if (characters.length <= max) return text;
  const closing = text.startsWith('<') ? (/<\/[A-Za-z][\w:.-]*>$/.exec(text)?.[0] ?? '') : '';
  return `${characters.slice(0, Math.max(1, max - 1)).join('')}…${closing}`;
}

/** Inline code whose delimiters survive backticks in `text`. */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest > 0 ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Where the marker lines are: the end of the start line and the beginning of the end line. */
function findMarkers(text: string): { afterStart: number; beforeEnd: number } {
  const lines = (marker: string) =>
    [...text.matchAll(new RegExp(`^${escapeRegExp(marker)}[ \\t]*$`, 'gm'))].map((match) => ({
      start: match.index,
      end: match.index + match[0].length,
    }));
  const starts = lines(EVENTS_TABLE_START);
  const ends = lines(EVENTS_TABLE_END);
  const missing = [
    ...(starts.length === 0 ? [EVENTS_TABLE_START] : []),
    ...(ends.length === 0 ? [EVENTS_TABLE_END] : []),
  ];
  if (missing.length > 0) throw new ReadmeMarkersError(`no line ${missing.join(' and no line ')}`);
  if (starts.length > 1) throw new ReadmeMarkersError(`${starts.length} lines ${EVENTS_TABLE_START}`);
  if (ends.length > 1) throw new ReadmeMarkersError(`${ends.length} lines ${EVENTS_TABLE_END}`);
  if (ends[0]!.start < starts[0]!.end)
    throw new ReadmeMarkersError(`${EVENTS_TABLE_END} comes before ${EVENTS_TABLE_START}`);
  return { afterStart: starts[0]!.end, beforeEnd: ends[0]!.start };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What is between the marker lines now, without the blank lines around it; throws ReadmeMarkersError. */
export function eventsTableIn(readme: string): string {
  const { afterStart, beforeEnd } = findMarkers(readme);
  return readme.slice(afterStart, beforeEnd).trim();
}

/**
 * `readme` with `content` between the marker lines (a blank line either side) and every other
 * character as it was, the marker lines included; throws ReadmeMarkersError.
 */
export function replaceEventsTable(readme: string, content: string): string {
  const { afterStart, beforeEnd } = findMarkers(readme);
  const body = content.trim();
  return `${readme.slice(0, afterStart)}\n${body ? `\n${body}\n\n` : ''}${readme.slice(beforeEnd)}`;
}

/** The snippet to give Prettier: the table between the markers, as it stands in the README. */
export function eventsTableSnippet(content: string): string {
  return `${EVENTS_TABLE_START}\n\n${content.trim()}\n\n${EVENTS_TABLE_END}\n`;
}
