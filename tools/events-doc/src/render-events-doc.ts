import type {
  AuthorizerRule,
  DocumentedType,
  DomainEventDoc,
  EventCatalog,
  RawPushFamilyDoc,
} from './event-catalog';

/** The command that writes docs/events.md (the `events:doc` npm script runs it). */
export const REGENERATE_COMMAND = 'node scripts/run-ts.cjs tools/events-doc/src/main.ts';

/** The app that publishes every raw push. */
export const RAW_PUSH_PUBLISHER = 'ingress';

/** docs/events.md as markdown (before Prettier, which the caller applies). */
export function renderEventsDoc(catalog: EventCatalog): string {
  const raw = catalog.rawPushFamilies;
  const groups = groupBy(catalog.domainEvents, (event) => event.type.split('.')[0]!);
  return [
    '# Events',
    '',
    `<!-- Generated from libs/contracts by tools/events-doc: do not edit. Regenerate with \`${REGENERATE_COMMAND}\` (npm run events:doc). -->`,
    '',
    `Every event wxop publishes on RabbitMQ, and forwards to HTTP subscribers. For each event type you can bind, this page gives its routing key, publisher, when it is published, its data fields and an example. It is generated from libs/contracts: the event registry (\`DOMAIN_EVENT_SPECS\`, \`eventSpecFor\`), the payload classes and their JSDoc, and the example fixtures in \`libs/contracts/fixtures/events/\`. Publishers and "since" versions come from \`tools/events-doc/src/events-metadata.ts\`.`,
    '',
    '- [The envelope](#the-envelope)',
    '- [Delivery](#delivery)',
    '- [Binding a queue](#binding-a-queue)',
    '- [Forwarding to HTTP subscribers](#forwarding-to-http-subscribers)',
    '- [Raw pushes](#raw-pushes)',
    ...raw.map((family) => `  - [\`${family.pattern}\`](#${slug(family.pattern)})`),
    '- [Domain events](#domain-events)',
    ...[...groups].map(([group, events]) =>
      [
        `  - [\`${group}.#\`](#${slug(`${group} events`)}):`,
        events.map((event) => `[\`${event.type}\`](#${slug(event.type)})`).join(', '),
      ].join(' '),
    ),
    '',
    ...envelopeSection(catalog),
    ...deliverySection(),
    ...bindingSection(catalog),
    ...forwardingSection(),
    '## Raw pushes',
    '',
    `Published by **${RAW_PUSH_PUBLISHER}** for every push WeChat sends that passes verification and decryption. The routing key is the type. Its last part is WeChat's \`InfoType\`, \`MsgType\` or \`Event\`, lower-cased, while \`data\` keeps WeChat's original names and case. A raw push's \`id\` is deterministic (derived from the push itself), so WeChat sending the same push again gives the same \`id\`. \`occurredAt\` is the push's \`CreateTime\`.`,
    '',
    table(
      ['routing key', 'when', '`authorizerAppid`', 'since'],
      raw.map((family) => [
        `[\`${family.pattern}\`](#${slug(family.pattern)})`,
        family.when,
        authorizerText(family.authorizer),
        family.since,
      ]),
    ),
    '',
    ...raw.flatMap(rawFamilySection),
    '## Domain events',
    '',
    "Published by the service that owns the fact, through its transactional outbox: an event is published once the change it reports is committed, and never for a change rolled back. The routing key equals the type. Where another event caused it (usually a raw push), `correlationId` holds that event's `id`.",
    '',
    table(
      ['type', 'publisher', '`authorizerAppid`', 'since'],
      catalog.domainEvents.map((event) => [
        `[\`${event.type}\`](#${slug(event.type)})`,
        event.publisher,
        authorizerText(event.authorizer),
        event.since,
      ]),
    ),
    '',
    ...[...groups].flatMap(([group, events]) => [
      `### ${group} events`,
      '',
      ...events.flatMap(domainEventSection),
    ]),
  ].join('\n');
}

function envelopeSection(catalog: EventCatalog): string[] {
  return [
    '## The envelope',
    '',
    `Every message on the durable topic exchange \`${catalog.exchange}\` is one JSON envelope. It is persistent, with \`contentType: application/json\`, AMQP \`messageId\` = \`id\` and AMQP \`type\` = \`type\`. A replayed push also carries the AMQP header \`x-wxop-replay-of\`.`,
    '',
    fieldsTable(catalog.envelope),
    '',
    '`version` is 1 for every type today. Fields are only ever added to a type; a change that is not an addition would come with a new version. Ignore fields you do not know.',
    '',
  ];
}

function deliverySection(): string[] {
  return [
    '## Delivery',
    '',
    "- **At least once.** An event can reach you more than once: a publisher's retry after a lost confirm, a redelivery after your consumer crashed before its ack, an operator requeueing a dead letter. Deduplicate by `id`, ideally in the same database transaction as the effect (an inbox table with a unique key on the id).",
    '- **Raw pushes are deduplicated at the source.** Their `id` is derived from the push, so WeChat retrying a push does not give you a second id.',
    "- **Replays.** An operator can replay a push from admin-api's push log (`POST /admin/v1/pushes/:id/replay`). The replay is a new event, with a new `id` (your inbox processes it) and `replayOf` holding the original's `id`. Look at `replayOf` if processing it twice would be wrong.",
    '- **No order guarantee.** Retries and several consumers reorder messages. Decide from `occurredAt` and from your own state, not from arrival order.',
    '- **Unknown types and fields.** New types and fields are added without notice to consumers that ignore what they do not know. A pattern like `release.#` will match types added later.',
    "- **Poison messages.** Give your queue a dead-letter queue and bounded retries: never requeue forever and never drop silently. wxop's own consumers use `<queue>.retry` and `<queue>.dlq` (`npm run dlq`).",
    '',
  ];
}

function bindingSection(catalog: EventCatalog): string[] {
  return [
    '## Binding a queue',
    '',
    `Declare your own durable queue, named \`<your service>.<purpose>\`, and bind it to \`${catalog.exchange}\` with topic patterns: \`*\` is exactly one word, \`#\` zero or more. With \`RABBITMQ_NAMESPACE\` set (e.g. \`staging.\`), the exchange is \`<namespace>${catalog.exchange}\`. From any language, for example Node with amqplib:`,
    '',
    '```js',
    "const channel = await (await require('amqplib').connect('amqp://guest:guest@127.0.0.1:5672')).createChannel();",
    `await channel.assertExchange('${catalog.exchange}', 'topic', { durable: true });`,
    "await channel.assertQueue('billing.authorizations', { durable: true, deadLetterExchange: '', deadLetterRoutingKey: 'billing.authorizations.dlq' });",
    "await channel.assertQueue('billing.authorizations.dlq', { durable: true });",
    `await channel.bindQueue('billing.authorizations', '${catalog.exchange}', 'authorization.*');`,
    "await channel.consume('billing.authorizations', async (message) => {",
    '  const event = JSON.parse(message.content.toString());',
    '  // deduplicate by event.id, then act',
    '  channel.ack(message); // or channel.nack(message, false, false): to the DLQ',
    '});',
    '```',
    '',
    'Patterns libs/contracts names (`RoutingPatterns`):',
    '',
    table(
      ['pattern', 'name', 'matches'],
      catalog.routingPatterns.map(({ name, pattern }) => [
        `\`${pattern}\``,
        `\`${name}\``,
        [
          ...catalog.rawPushFamilies
            .filter((family) => family.patterns.some((p) => p.name === name))
            .map((family) => `\`${family.pattern}\``),
          ...catalog.domainEvents
            .filter((event) => event.patterns.some((p) => p.name === name))
            .map((event) => `\`${event.type}\``),
        ].join(', '),
      ]),
    ),
    '',
  ];
}

function forwardingSection(): string[] {
  return [
    '## Forwarding to HTTP subscribers',
    '',
    "For subscribers that only speak HTTP, admin-api's forwarding rules (console: _Forwarding rules_; API: `/admin/v1/forwarding/rules`) deliver each matching envelope. A rule has an event-type pattern in the topic syntax above, an optional component and authorizer filter, a target URL and a signing secret. Each delivery is a `POST <url>` with the envelope JSON as its body and these headers:",
    '',
    table(
      ['header', 'value'],
      [
        ['`X-Wxop-Event-Id`', 'the envelope `id`: deduplicate on it'],
        ['`X-Wxop-Event-Type`', 'the envelope `type`'],
        ['`X-Wxop-Timestamp`', 'Unix seconds when this attempt was signed'],
        [
          '`X-Wxop-Signature`',
          '`v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`; during a secret rotation two `v1=` values separated by a space (new secret first)',
        ],
        ['`X-Wxop-Test`', '`1` on a test delivery sent from the console'],
      ],
    ),
    '',
    "Any 2xx is delivered. Anything else, or no answer within `ADMIN_API_FORWARDING_TIMEOUT_MS` (10 s by default), is retried with backoff for at least 24 h, and each attempt is signed again with a fresh timestamp. A receiver verifies the signature over the exact body bytes with a constant-time comparison, refuses timestamps more than 5 minutes from its clock, and deduplicates by `X-Wxop-Event-Id`. [examples/webhook-receiver](../examples/webhook-receiver/README.md) does all of this with Node's standard library, including secret rotation.",
    '',
  ];
}

function rawFamilySection(family: RawPushFamilyDoc): string[] {
  return [
    `### \`${family.pattern}\``,
    '',
    `**When:** ${family.when}`,
    '',
    ...facts([
      ['Routing key', `\`${family.pattern}\` (lower-cased)`],
      ['Publisher', RAW_PUSH_PUBLISHER],
      ['Since', family.since],
      ['`authorizerAppid`', authorizerText(family.authorizer)],
      ['Bind with', bindWith(family.patterns, `${family.prefix}*`)],
    ]),
    '',
    `Data (\`${family.data.name}\`): ${family.data.doc ?? ''}`,
    '',
    fieldsTable(family.data),
    '',
    ...(family.wellKnown.length > 0
      ? [
          'Well-known types (`RawPushTypes`):',
          '',
          table(
            ['type', 'when', 'consumed inside wxop by'],
            family.wellKnown.map((known) => [
              `\`${known.type}\``,
              known.when,
              known.consumedBy.join(', ') || '—',
            ]),
          ),
          '',
        ]
      : []),
    ...family.examples.flatMap((example) => [
      `Example (\`${String(example['type'])}\`):`,
      '',
      '```json',
      JSON.stringify(example, null, 2),
      '```',
      '',
    ]),
  ];
}

function domainEventSection(event: DomainEventDoc): string[] {
  return [
    `#### \`${event.type}\``,
    '',
    `**When:** ${event.when}`,
    '',
    ...facts([
      ['Routing key', `\`${event.type}\``],
      ['Publisher', event.publisher],
      ['Since', event.since],
      ['`authorizerAppid`', authorizerText(event.authorizer)],
      ['Bind with', bindWith(event.patterns, event.type)],
    ]),
    '',
    `Data (\`${event.data.name}\`)${event.description ? `: ${event.description}` : ':'}`,
    '',
    fieldsTable(event.data),
    '',
    'Example:',
    '',
    '```json',
    JSON.stringify(event.example, null, 2),
    '```',
    '',
  ];
}

function fieldsTable(type: DocumentedType): string {
  const rows = type.fields.map((field) => [
    `\`${field.name}\``,
    `\`${field.type}\``,
    field.optional ? 'no' : 'yes',
    meaningOf(field),
  ]);
  if (type.otherFields)
    rows.push(['any other', `\`${type.otherFields.type}\``, 'no', type.otherFields.meaning]);
  return table(['field', 'type', 'required', 'meaning'], rows);
}

function meaningOf(field: DocumentedType['fields'][number]): string {
  const parts = [field.meaning];
  if (field.values?.length)
    parts.push(
      field.values.map(({ value, doc }) => (doc ? `\`${value}\`: ${doc}` : `\`${value}\`.`)).join(' '),
    );
  if (field.rules.length > 0) parts.push(`(${field.rules.join(', ')})`);
  if (field.since) parts.push(`Since ${field.since}.`);
  return parts.join(' ');
}

function authorizerText(rule: AuthorizerRule): string {
  switch (rule) {
    case 'required':
      return 'always';
    case 'absent':
      return 'never';
    case 'optional':
      return 'when an authorizer is involved';
  }
}

/** The narrowest pattern first, then the named ones that also match. */
function bindWith(patterns: { pattern: string }[], narrowest: string): string {
  return [...new Set([narrowest, ...patterns.map(({ pattern }) => pattern)])]
    .map((p) => `\`${p}\``)
    .join(', ');
}

function facts(rows: [string, string][]): string[] {
  return rows.map(([name, value]) => `- ${name}: ${value}`);
}

/** A GFM table (before Prettier aligns it); cells escaped by {@link escapeCell}. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A cell's text: pipes escaped (GFM splits on them even inside code), one line. */
function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** GitHub's anchor of a heading's text (code spans' backticks dropped). */
export function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
