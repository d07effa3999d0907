import type { ContractTypes, FieldDoc, TypeDoc } from './contract-types';
import type { EventsMetadata } from './events-metadata';

/** Whether an event type's envelope carries `authorizerAppid` (libs/contracts `EventSpec.authorizer`). */
export type AuthorizerRule = 'required' | 'optional' | 'absent';

/** What the generator reads from libs/contracts at run time (the registry and its helpers). */
export interface ContractsRegistry {
  eventsExchange: string;
  /** `DomainEventTypes`: constant name → type, in declaration order. */
  domainEventTypes: Readonly<Record<string, string>>;
  /** `DOMAIN_EVENT_SPECS`: type → payload class and authorizer rule. */
  domainEventSpecs: Readonly<Record<string, { dataClass: { name: string }; authorizer: AuthorizerRule }>>;
  /** The `RAW_*_PREFIX` constants: name → prefix. */
  rawPrefixes: Readonly<Record<string, string>>;
  /** `RawPushTypes`: constant name → type. */
  rawPushTypes: Readonly<Record<string, string>>;
  /** `RoutingPatterns`: constant name → binding pattern. */
  routingPatterns: Readonly<Record<string, string>>;
  eventSpecFor(type: string): { dataClass: { name: string }; authorizer: AuthorizerRule } | undefined;
  envelopeViolations(value: unknown): string[];
  topicMatches(pattern: string, routingKey: string): boolean;
}

export interface CatalogSources {
  registry: ContractsRegistry;
  types: ContractTypes;
  /** libs/contracts/fixtures/events: type → envelope. */
  fixtures: Readonly<Record<string, Record<string, unknown>>>;
  /** Each app's non-test TypeScript under apps/<app>/src, concatenated: app → text. */
  appSources: Readonly<Record<string, string>>;
  /** The versions the README's changelog lists. */
  releasedVersions: readonly string[];
  metadata: EventsMetadata;
}

/** A field with what it means (JSDoc or metadata) and, if younger than its type, since when. */
export interface DocumentedField extends FieldDoc {
  meaning: string;
  since?: string;
}

export interface DocumentedType {
  name: string;
  doc?: string;
  fields: DocumentedField[];
  /** Further fields of any name (raw pushes), with their meaning. */
  otherFields?: { type: string; meaning: string };
}

export interface DomainEventDoc {
  type: string;
  /** The `DomainEventTypes` constant. */
  constant: string;
  publisher: string;
  since: string;
  /** The metadata's `when`, else the payload class's JSDoc. */
  when: string;
  /** The payload class's JSDoc, where the metadata's `when` took its place. */
  description?: string;
  authorizer: AuthorizerRule;
  /** `RoutingPatterns` that match it. */
  patterns: { name: string; pattern: string }[];
  data: DocumentedType;
  example: Record<string, unknown>;
}

export interface RawPushFamilyDoc {
  prefix: string;
  /** e.g. `wechat.component.<infotype>`. */
  pattern: string;
  when: string;
  since: string;
  authorizer: AuthorizerRule;
  patterns: { name: string; pattern: string }[];
  data: DocumentedType;
  /** The `RawPushTypes` of this family, with the apps of this repository that consume each. */
  wellKnown: { type: string; constant: string; when: string; consumedBy: string[] }[];
  examples: Record<string, unknown>[];
}

export interface EventCatalog {
  exchange: string;
  envelope: DocumentedType;
  routingPatterns: { name: string; pattern: string }[];
  rawPushFamilies: RawPushFamilyDoc[];
  domainEvents: DomainEventDoc[];
}

/** Everything that keeps docs/events.md from being complete, listed at once. */
export class EventCatalogError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `docs/events.md cannot be generated:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n` +
        'Document the contract in libs/contracts (JSDoc, fixtures) or in tools/events-doc/src/events-metadata.ts.',
    );
    this.name = 'EventCatalogError';
  }
}

const METADATA_FILE = 'tools/events-doc/src/events-metadata.ts';

/**
 * The catalog of every event type a subscriber can bind, from the registry, the payload classes'
 * declarations, the fixtures and the metadata; throws EventCatalogError naming every gap.
 */
export function buildEventCatalog(sources: CatalogSources): EventCatalog {
  const { registry, metadata } = sources;
  const problems: string[] = [];
  const usedMeanings = new Set<string>();
  const usedSince = new Set<string>();

  const checkVersion = (version: string, what: string) => {
    if (!sources.releasedVersions.includes(version))
      problems.push(`${what}: since ${version} is no version of the README's changelog`);
  };

  const document = (type: TypeDoc): DocumentedType => {
    const fields = type.fields.map((field): DocumentedField => {
      const key = `${field.declaredIn}.${field.name}`;
      const extra = metadata.fieldMeanings[key];
      if (extra !== undefined) usedMeanings.add(key);
      if (field.doc && extra !== undefined)
        problems.push(`${key} has JSDoc and a meaning in ${METADATA_FILE}: keep one (the JSDoc)`);
      if (!field.doc && extra === undefined)
        problems.push(`${key} has no JSDoc and no meaning in ${METADATA_FILE} (fieldMeanings)`);
      const since = metadata.fieldSince[key];
      if (since !== undefined) {
        usedSince.add(key);
        checkVersion(since, key);
      }
      return { ...field, meaning: field.doc ?? extra ?? '', ...(since ? { since } : {}) };
    });
    let otherFields: DocumentedType['otherFields'];
    if (type.indexSignature) {
      const key = `${type.indexSignature.declaredIn}[*]`;
      const meaning = metadata.fieldMeanings[key];
      if (meaning === undefined)
        problems.push(`${key} (an index signature) has no meaning in ${METADATA_FILE}`);
      else usedMeanings.add(key);
      otherFields = { type: type.indexSignature.type, meaning: meaning ?? '' };
    }
    return { name: type.name, doc: type.doc, fields, ...(otherFields ? { otherFields } : {}) };
  };

  const describe = (className: string, what: string): DocumentedType | undefined => {
    if (!sources.types.has(className)) {
      problems.push(`${what}: its payload class ${className} is not declared in libs/contracts/src`);
      return undefined;
    }
    return document(sources.types.describe(className));
  };

  const patternsOf = (routingKey: string) =>
    Object.entries(registry.routingPatterns)
      .filter(([, pattern]) => registry.topicMatches(pattern, routingKey))
      .map(([name, pattern]) => ({ name, pattern }));

  const checkedFixture = (fixture: Record<string, unknown>, type: string): Record<string, unknown> => {
    const violations = registry.envelopeViolations(fixture);
    if (violations.length > 0)
      problems.push(`the fixture ${type}.json breaks the contract: ${violations.join('; ')}`);
    return fixture;
  };

  const envelope = sources.types.has('EventEnvelope')
    ? document(sources.types.describe('EventEnvelope'))
    : (problems.push('libs/contracts declares no EventEnvelope interface'),
      { name: 'EventEnvelope', fields: [] });

  // Domain events, in the order of DomainEventTypes.
  const domainEvents: DomainEventDoc[] = [];
  for (const [constant, type] of Object.entries(registry.domainEventTypes)) {
    const spec = registry.domainEventSpecs[type];
    if (!spec) {
      problems.push(`${type} (DomainEventTypes.${constant}) has no entry in DOMAIN_EVENT_SPECS`);
      continue;
    }
    const data = describe(spec.dataClass.name, type);
    const meta = metadata.domainEvents[type];
    if (!meta) {
      problems.push(`${type} has no entry in ${METADATA_FILE} (domainEvents: publisher, since)`);
      continue;
    }
    checkVersion(meta.since, type);
    const source = sources.appSources[meta.publisher];
    if (source === undefined) problems.push(`${type}: publisher ${meta.publisher} is no app under apps/`);
    else if (!new RegExp(`\\bDomainEventTypes\\.${constant}\\b`).test(source))
      problems.push(
        `${type}: apps/${meta.publisher}/src never names DomainEventTypes.${constant}: is it the publisher?`,
      );
    const fixture = sources.fixtures[type];
    if (!fixture) problems.push(`${type} has no example: add libs/contracts/fixtures/events/${type}.json`);
    else if (fixture['type'] !== type)
      problems.push(`the fixture ${type}.json has the type ${String(fixture['type'])}`);
    const fromDoc = whenFrom(data?.doc, type);
    if (!fromDoc && !meta.when)
      problems.push(
        `${type}: neither ${spec.dataClass.name}'s JSDoc nor ${METADATA_FILE} says when it is published`,
      );
    if (!data || !fixture) continue;
    domainEvents.push({
      type,
      constant,
      publisher: meta.publisher,
      since: meta.since,
      when: meta.when ?? fromDoc ?? '',
      ...(meta.when && fromDoc ? { description: fromDoc } : {}),
      authorizer: spec.authorizer,
      patterns: patternsOf(type),
      data,
      example: checkedFixture(fixture, type),
    });
  }
  for (const type of Object.keys(metadata.domainEvents))
    if (!Object.values(registry.domainEventTypes).includes(type))
      problems.push(`${METADATA_FILE} documents ${type}, which DomainEventTypes does not have any more`);

  // Raw pushes: one family per RAW_*_PREFIX, the longest prefix deciding where a type belongs.
  const prefixes = Object.values(registry.rawPrefixes).sort((a, b) => b.length - a.length);
  const familyOf = (type: string) => prefixes.find((prefix) => type.startsWith(prefix));
  const rawPushFamilies: RawPushFamilyDoc[] = [];
  for (const prefix of Object.values(registry.rawPrefixes).sort()) {
    const spec = registry.eventSpecFor(`${prefix}x`);
    if (!spec) {
      problems.push(`eventSpecFor does not know the raw pushes ${prefix}*`);
      continue;
    }
    const data = describe(spec.dataClass.name, `${prefix}*`);
    const meta = metadata.rawPushFamilies[prefix];
    if (!meta) {
      problems.push(`the raw pushes ${prefix}* have no entry in ${METADATA_FILE} (rawPushFamilies)`);
      continue;
    }
    checkVersion(meta.since, `${prefix}*`);
    const wellKnown = Object.entries(registry.rawPushTypes)
      .filter(([, type]) => familyOf(type) === prefix)
      .map(([constant, type]) => {
        const when = metadata.rawPushTypes[type];
        if (when === undefined)
          problems.push(`${type} (RawPushTypes.${constant}) has no entry in ${METADATA_FILE} (rawPushTypes)`);
        const consumedBy = Object.entries(sources.appSources)
          .filter(([, source]) => new RegExp(`\\bRawPushTypes\\.${constant}\\b`).test(source))
          .map(([app]) => app);
        return { type, constant, when: when ?? '', consumedBy };
      });
    const examples = Object.entries(sources.fixtures)
      .filter(([type]) => familyOf(type) === prefix)
      .map(([type, fixture]) => checkedFixture(fixture, type));
    if (examples.length === 0)
      problems.push(`the raw pushes ${prefix}* have no example fixture in libs/contracts/fixtures/events`);
    if (!data) continue;
    rawPushFamilies.push({
      prefix,
      pattern: `${prefix}${meta.placeholder}`,
      when: meta.when,
      since: meta.since,
      authorizer: spec.authorizer,
      patterns: patternsOf(`${prefix}x`),
      data,
      wellKnown,
      examples,
    });
  }
  for (const prefix of Object.keys(metadata.rawPushFamilies))
    if (!Object.values(registry.rawPrefixes).includes(prefix))
      problems.push(`${METADATA_FILE} documents raw pushes ${prefix}*, which no RAW_*_PREFIX has any more`);
  for (const type of Object.keys(metadata.rawPushTypes))
    if (!Object.values(registry.rawPushTypes).includes(type))
      problems.push(`${METADATA_FILE} documents ${type}, which RawPushTypes does not have any more`);
  for (const key of Object.keys(metadata.fieldMeanings))
    if (!usedMeanings.has(key))
      problems.push(`${METADATA_FILE} gives a meaning of ${key}, which no event has`);
  for (const key of Object.keys(metadata.fieldSince))
    if (!usedSince.has(key)) problems.push(`${METADATA_FILE} gives a since of ${key}, which no event has`);

  // A class shared by several types (RawPushData) reports its gaps once.
  if (problems.length > 0) throw new EventCatalogError([...new Set(problems)]);
  return {
    exchange: registry.eventsExchange,
    envelope,
    routingPatterns: Object.entries(registry.routingPatterns).map(([name, pattern]) => ({ name, pattern })),
    rawPushFamilies,
    domainEvents,
  };
}

/**
 * What a payload class's JSDoc says about when its event is published: the text after the
 * leading "`type`:" (`release.audit.submitted` alone says nothing).
 */
export function whenFrom(doc: string | undefined, type: string): string | undefined {
  if (!doc) return undefined;
  const text = doc.replace(new RegExp(`^\`${type.replace(/\./g, '\\.')}\`\\s*:?\\s*`), '').trim();
  return text.length > 0 ? text : undefined;
}
