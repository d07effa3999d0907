import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

import * as contracts from '@wxop/contracts';

import { ContractTypes } from './contract-types';
import {
  buildEventCatalog,
  type CatalogSources,
  type ContractsRegistry,
  type EventCatalog,
} from './event-catalog';
import { EVENTS_METADATA, type EventsMetadata } from './events-metadata';
import {
  eventsTableIn,
  eventsTableSnippet,
  README_PATH,
  renderEventsTable,
  replaceEventsTable,
} from './readme-events-table';
import { renderEventsDoc } from './render-events-doc';

/** Where the generated page lives, relative to the repository root. */
export const EVENTS_DOC_PATH = 'docs/events.md';

/** The registry as libs/contracts exports it at run time. */
export function contractsRegistry(): ContractsRegistry {
  return {
    eventsExchange: contracts.EVENTS_EXCHANGE,
    domainEventTypes: contracts.DomainEventTypes,
    domainEventSpecs: contracts.DOMAIN_EVENT_SPECS,
    rawPrefixes: Object.fromEntries(
      Object.entries(contracts as Record<string, unknown>).filter(
        (entry): entry is [string, string] =>
          /^RAW_[A-Z_]+_PREFIX$/.test(entry[0]) && typeof entry[1] === 'string',
      ),
    ),
    rawPushTypes: contracts.RawPushTypes,
    routingPatterns: contracts.RoutingPatterns,
    eventSpecFor: contracts.eventSpecFor,
    envelopeViolations: contracts.envelopeViolations,
    topicMatches: contracts.topicMatches,
  };
}

/** Everything the catalog is made of, read from the repository at `root`. */
export function readCatalogSources(root: string, metadata: EventsMetadata = EVENTS_METADATA): CatalogSources {
  const fixturesDir = join(root, 'libs/contracts/fixtures/events');
  const fixtures = Object.fromEntries(
    readdirSync(fixturesDir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => [
        name.slice(0, -'.json'.length),
        JSON.parse(readFileSync(join(fixturesDir, name), 'utf8')) as Record<string, unknown>,
      ]),
  );
  const appsDir = join(root, 'apps');
  const appSources = Object.fromEntries(
    readdirSync(appsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => [entry.name, sourcesUnder(join(appsDir, entry.name, 'src'))]),
  );
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const releasedVersions = [...readme.matchAll(/^- \*\*(\d+\.\d+\.\d+)\*\*/gm)].map((match) => match[1]!);
  return {
    registry: contractsRegistry(),
    types: ContractTypes.fromEntry(
      join(root, 'libs/contracts/src/index.ts'),
      join(root, 'tsconfig.base.json'),
    ),
    fixtures,
    appSources,
    releasedVersions,
    metadata,
  };
}

/** What the generator writes, each formatted as `npm run format` would. */
export interface GeneratedDocs {
  /** docs/events.md, whole. */
  eventsDoc: string;
  /** The README's events table: what goes between its marker lines (without the blank lines around it). */
  readmeTable: string;
}

/** docs/events.md and the README's events table as the generator writes them now. */
export function generateDocs(
  root: string,
  sources: CatalogSources = readCatalogSources(root),
): GeneratedDocs {
  const catalog = buildEventCatalog(sources);
  return {
    eventsDoc: prettierFormat(renderEventsDoc(catalog), join(root, EVENTS_DOC_PATH)),
    readmeTable: generateReadmeEventsTable(root, catalog),
  };
}

/**
 * The README's events table, formatted as Prettier formats it in the README: the table between the
 * marker lines is a block of its own, so Prettier gives it alone (with the README's settings) the
 * same result as the whole file.
 */
export function generateReadmeEventsTable(root: string, catalog: EventCatalog): string {
  return eventsTableIn(
    prettierFormat(eventsTableSnippet(renderEventsTable(catalog)), join(root, README_PATH)),
  );
}

/**
 * Puts `table` between the README's marker lines, reading the README right before writing it (others
 * edit the rest of it) and leaving every other character as it is; false when it was already there.
 * Throws ReadmeMarkersError when the markers are missing.
 */
export function writeReadmeEventsTable(root: string, table: string): boolean {
  const path = join(root, README_PATH);
  const current = readFileSync(path, 'utf8');
  const next = replaceEventsTable(current, table);
  if (next === current) return false;
  writeFileSync(path, next);
  return true;
}

/** Whether the README's events table is `table` (reading the README now); throws ReadmeMarkersError. */
export function readmeEventsTableUpToDate(root: string, table: string): boolean {
  const current = readFileSync(join(root, README_PATH), 'utf8');
  return replaceEventsTable(current, table) === current;
}

/**
 * The repository's Prettier (its settings found from `filepath`), in a process of its own: Prettier 3
 * loads its plugins with import(), which Jest's module sandbox cannot run.
 */
export function prettierFormat(text: string, filepath: string): string {
  const cli = join(dirname(require.resolve('prettier/package.json')), 'bin', 'prettier.cjs');
  return execFileSync(process.execPath, [cli, '--stdin-filepath', filepath], {
    input: text,
    encoding: 'utf8',
  });
}

/** The text of every non-test .ts file under `dir` (none if it does not exist). */
function sourcesUnder(dir: string): string {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return '';
  }
  return entries
    .filter(
      (entry) =>
        entry.isFile() && entry.name.endsWith('.ts') && !/\.(spec|integration-spec)\.ts$/.test(entry.name),
    )
    .map((entry) => join(entry.parentPath, entry.name))
    .sort((a, b) => relative(dir, a).localeCompare(relative(dir, b)))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
}
