import { topicMatches } from '@wxop/contracts';

import { ContractTypes } from './contract-types';
import {
  buildEventCatalog,
  EventCatalogError,
  whenFrom,
  type CatalogSources,
  type ContractsRegistry,
} from './event-catalog';
import type { EventsMetadata } from './events-metadata';

const TYPES = ContractTypes.fromSources({
  '/contracts/contracts.ts': `
    /** The envelope. */
    export interface EventEnvelope<TData = Record<string, unknown>> {
      /** Unique per event. */
      id: string;
      componentAppid: string;
      data: TData;
    }
    /** \`thing.broken\`: a thing broke. */
    export class ThingBrokenData {
      /** The thing. */
      thingId!: string;
      pieces!: number;
    }
    /** \`thing.fixed\` */
    export class ThingFixedData {
      /** The thing. */
      thingId!: string;
    }
    /** Raw things: every field. */
    export class RawThingData {
      [field: string]: unknown;
      /** As sent. */
      raw!: string;
    }
  `,
});

const specs = {
  'thing.broken': { dataClass: { name: 'ThingBrokenData' }, authorizer: 'required' as const },
  'thing.fixed': { dataClass: { name: 'ThingFixedData' }, authorizer: 'absent' as const },
};

const registry: ContractsRegistry = {
  eventsExchange: 'wxop.events',
  domainEventTypes: { ThingBroken: 'thing.broken', ThingFixed: 'thing.fixed' },
  domainEventSpecs: specs,
  rawPrefixes: { RAW_THING_PREFIX: 'raw.thing.' },
  rawPushTypes: { Dropped: 'raw.thing.dropped' },
  routingPatterns: { AllThings: 'thing.*', AllRaw: 'raw.#' },
  eventSpecFor: (type) =>
    type.startsWith('raw.thing.')
      ? { dataClass: { name: 'RawThingData' }, authorizer: 'optional' }
      : specs[type as keyof typeof specs],
  envelopeViolations: (value) => ((value as { id?: string }).id ? [] : ['id: must be a lower-case UUID']),
  topicMatches,
};

const envelope = (type: string, data: object) => ({ id: `id-${type}`, type, componentAppid: 'wx1', data });

function completeMetadata(): EventsMetadata {
  return {
    domainEvents: {
      'thing.broken': { publisher: 'things', since: '0.1.0' },
      'thing.fixed': { publisher: 'things', since: '0.2.0', when: 'someone fixed a thing.' },
    },
    rawPushFamilies: {
      'raw.thing.': { placeholder: '<kind>', when: 'a raw thing arrived.', since: '0.1.0' },
    },
    rawPushTypes: { 'raw.thing.dropped': 'a thing was dropped.' },
    fieldMeanings: {
      'EventEnvelope.componentAppid': 'The component.',
      'EventEnvelope.data': 'The payload.',
      'ThingBrokenData.pieces': 'How many pieces.',
      'RawThingData[*]': 'Every other field.',
    },
    fieldSince: { 'ThingBrokenData.pieces': '0.2.0' },
  };
}

function completeSources(): CatalogSources {
  return {
    registry,
    types: TYPES,
    fixtures: {
      'thing.broken': envelope('thing.broken', { thingId: 't1', pieces: 3 }),
      'thing.fixed': envelope('thing.fixed', { thingId: 't1' }),
      'raw.thing.dropped': envelope('raw.thing.dropped', { raw: '<xml/>' }),
    },
    appSources: {
      things: 'publish(DomainEventTypes.ThingBroken); publish(DomainEventTypes.ThingFixed);',
      watcher: '@ConsumeEvent({ patterns: [RawPushTypes.Dropped] })',
      other: '',
    },
    releasedVersions: ['0.1.0', '0.2.0'],
    metadata: completeMetadata(),
  };
}

/** The problems buildEventCatalog reports for `sources`, or [] when it builds. */
function problemsOf(sources: CatalogSources): string[] {
  try {
    buildEventCatalog(sources);
    return [];
  } catch (error) {
    if (error instanceof EventCatalogError) return error.problems;
    throw error;
  }
}

describe(buildEventCatalog.name, () => {
  it('documents each domain event from its registry entry, payload class, fixture and metadata', () => {
    const catalog = buildEventCatalog(completeSources());
    expect(catalog.exchange).toBe('wxop.events');
    expect(catalog.domainEvents.map((event) => event.type)).toEqual(['thing.broken', 'thing.fixed']);
    const [broken, fixed] = catalog.domainEvents;
    expect(broken).toMatchObject({
      type: 'thing.broken',
      constant: 'ThingBroken',
      publisher: 'things',
      since: '0.1.0',
      when: 'a thing broke.',
      authorizer: 'required',
      patterns: [{ name: 'AllThings', pattern: 'thing.*' }],
      example: envelope('thing.broken', { thingId: 't1', pieces: 3 }),
    });
    expect(broken!.data.fields).toEqual([
      expect.objectContaining({ name: 'thingId', meaning: 'The thing.' }),
      expect.objectContaining({
        name: 'pieces',
        type: 'number',
        meaning: 'How many pieces.',
        since: '0.2.0',
      }),
    ]);
    // The class says nothing after its type: the metadata says when.
    expect(fixed).toMatchObject({ when: 'someone fixed a thing.', authorizer: 'absent' });
    expect(fixed!.description).toBeUndefined();
  });

  it('documents each raw-push family, its well-known types with the apps consuming them, and its examples', () => {
    const { rawPushFamilies, envelope: documented } = buildEventCatalog(completeSources());
    expect(rawPushFamilies).toEqual([
      expect.objectContaining({
        prefix: 'raw.thing.',
        pattern: 'raw.thing.<kind>',
        when: 'a raw thing arrived.',
        authorizer: 'optional',
        patterns: [{ name: 'AllRaw', pattern: 'raw.#' }],
        wellKnown: [
          {
            type: 'raw.thing.dropped',
            constant: 'Dropped',
            when: 'a thing was dropped.',
            consumedBy: ['watcher'],
          },
        ],
        examples: [envelope('raw.thing.dropped', { raw: '<xml/>' })],
      }),
    ]);
    expect(rawPushFamilies[0]!.data.otherFields).toEqual({ type: 'unknown', meaning: 'Every other field.' });
    expect(documented.fields.map((field) => [field.name, field.meaning])).toEqual([
      ['id', 'Unique per event.'],
      ['componentAppid', 'The component.'],
      ['data', 'The payload.'],
    ]);
  });

  it('keeps the JSDoc as the description where the metadata says when', () => {
    const sources = completeSources();
    sources.metadata = {
      ...sources.metadata,
      domainEvents: {
        ...sources.metadata.domainEvents,
        'thing.broken': { publisher: 'things', since: '0.1.0', when: 'it broke.' },
      },
    };
    expect(buildEventCatalog(sources).domainEvents[0]).toMatchObject({
      when: 'it broke.',
      description: 'a thing broke.',
    });
  });

  it.each<[string, (sources: CatalogSources) => void, string]>([
    [
      'a registered event without metadata',
      (s) => void delete (s.metadata.domainEvents as Record<string, unknown>)['thing.broken'],
      'thing.broken has no entry in tools/events-doc/src/events-metadata.ts',
    ],
    [
      'metadata of an event the registry does not have',
      (s) =>
        ((s.metadata.domainEvents as Record<string, unknown>)['thing.gone'] = {
          publisher: 'things',
          since: '0.1.0',
        }),
      'documents thing.gone, which DomainEventTypes does not have any more',
    ],
    [
      'a field with neither JSDoc nor a meaning',
      (s) => void delete (s.metadata.fieldMeanings as Record<string, unknown>)['ThingBrokenData.pieces'],
      'ThingBrokenData.pieces has no JSDoc and no meaning',
    ],
    [
      'a meaning for a field that has JSDoc',
      (s) => ((s.metadata.fieldMeanings as Record<string, string>)['ThingBrokenData.thingId'] = 'Again.'),
      'ThingBrokenData.thingId has JSDoc and a meaning',
    ],
    [
      'a meaning of a field no event has',
      (s) => ((s.metadata.fieldMeanings as Record<string, string>)['ThingBrokenData.gone'] = 'Gone.'),
      'gives a meaning of ThingBrokenData.gone, which no event has',
    ],
    [
      'an index signature without a meaning',
      (s) => void delete (s.metadata.fieldMeanings as Record<string, unknown>)['RawThingData[*]'],
      'RawThingData[*] (an index signature) has no meaning',
    ],
    [
      'an event whose class and metadata do not say when',
      (s) =>
        ((s.metadata.domainEvents as Record<string, object>)['thing.fixed'] = {
          publisher: 'things',
          since: '0.2.0',
        }),
      "thing.fixed: neither ThingFixedData's JSDoc nor",
    ],
    [
      'an event without a fixture',
      (s) => void delete (s.fixtures as Record<string, unknown>)['thing.fixed'],
      'thing.fixed has no example: add libs/contracts/fixtures/events/thing.fixed.json',
    ],
    [
      'a fixture that breaks the contract',
      (s) => ((s.fixtures as Record<string, object>)['thing.fixed'] = { type: 'thing.fixed', data: {} }),
      'the fixture thing.fixed.json breaks the contract: id: must be a lower-case UUID',
    ],
    [
      'a publisher whose code never names the event',
      (s) => ((s.appSources as Record<string, string>)['things'] = 'publish(DomainEventTypes.ThingBroken)'),
      'thing.fixed: apps/things/src never names DomainEventTypes.ThingFixed',
    ],
    [
      'a publisher that is no app',
      (s) =>
        ((s.metadata.domainEvents as Record<string, object>)['thing.broken'] = {
          publisher: 'nobody',
          since: '0.1.0',
        }),
      'thing.broken: publisher nobody is no app under apps/',
    ],
    [
      'a since that is no released version',
      (s) =>
        ((s.metadata.domainEvents as Record<string, object>)['thing.broken'] = {
          publisher: 'things',
          since: '9.9.9',
        }),
      "thing.broken: since 9.9.9 is no version of the README's changelog",
    ],
    [
      'a raw-push family without metadata',
      (s) => void delete (s.metadata.rawPushFamilies as Record<string, unknown>)['raw.thing.'],
      'the raw pushes raw.thing.* have no entry',
    ],
    [
      'a well-known raw push without metadata',
      (s) => void delete (s.metadata.rawPushTypes as Record<string, unknown>)['raw.thing.dropped'],
      'raw.thing.dropped (RawPushTypes.Dropped) has no entry',
    ],
    [
      'a raw-push family without an example',
      (s) => void delete (s.fixtures as Record<string, unknown>)['raw.thing.dropped'],
      'the raw pushes raw.thing.* have no example fixture',
    ],
  ])('refuses %s', (_, change, expected) => {
    const sources = completeSources();
    change(sources);
    expect(problemsOf(sources)).toEqual([expect.stringContaining(expected)]);
  });

  it('names every gap at once, and says where to document them', () => {
    const sources = completeSources();
    delete (sources.metadata.rawPushTypes as Record<string, unknown>)['raw.thing.dropped'];
    delete (sources.metadata.fieldMeanings as Record<string, unknown>)['ThingBrokenData.pieces'];
    delete (sources.metadata.domainEvents as Record<string, unknown>)['thing.fixed'];
    expect(() => buildEventCatalog(sources)).toThrow(EventCatalogError);
    expect(problemsOf(sources)).toHaveLength(3);
    expect(() => buildEventCatalog(sources)).toThrow(/tools\/events-doc\/src\/events-metadata\.ts\.$/);
  });
});

describe(whenFrom.name, () => {
  it('takes what follows the type in a payload class JSDoc', () => {
    expect(whenFrom('`a.b`: it happened.', 'a.b')).toBe('it happened.');
    expect(whenFrom('`a.b` it happened.', 'a.b')).toBe('it happened.');
    expect(whenFrom('Fields every a event carries.', 'a.b')).toBe('Fields every a event carries.');
  });

  it('finds nothing in a JSDoc that only names the type, or in none', () => {
    expect(whenFrom('`a.b`', 'a.b')).toBeUndefined();
    expect(whenFrom(undefined, 'a.b')).toBeUndefined();
    // The dots are literal: `aXb` is another type.
    expect(whenFrom('`aXb`', 'a.b')).toBe('`aXb`');
  });
});
