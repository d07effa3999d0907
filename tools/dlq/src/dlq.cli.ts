import type { DeadLetter, DeadLetterQueueInfo } from '@wxop/messaging';

/** What `npm run dlq -- …` was asked to do. */
export type DlqCommand =
  | { command: 'list'; queues: string[] }
  | { command: 'show'; queue: string; limit: number }
  | { command: 'requeue'; queue: string; which: { id: string } | { all: true } }
  | { command: 'purge'; queue: string };

/** The operations the CLI needs: `DeadLetters` of libs/messaging. */
export interface DeadLetterOperations {
  list(extraQueues: string[]): Promise<DeadLetterQueueInfo[]>;
  show(queue: string, limit: number): Promise<DeadLetter[]>;
  requeue(queue: string, which: { id: string } | { all: true }): Promise<number>;
  purge(queue: string): Promise<number>;
}

export const USAGE = `usage: npm run dlq -- <command>
  list [--queue <consumer queue> …]        every <queue>.dlq with its depth and the oldest message's age
  show <queue> [--limit N]                  the first N (default 10) dead letters: envelope and death reason
  requeue <queue> (--id <event id> | --all) back onto <queue> as a first attempt, with a fresh retry budget
  purge <queue>                             delete every message of <queue>.dlq
<queue> is a consumer queue (authorizer.authorization-pushes) or its DLQ (….dlq).
Broker: RABBITMQ_URL and RABBITMQ_NAMESPACE, as for the apps.`;

export class UsageError extends Error {}

/** Parses the CLI's arguments; throws UsageError with what is wrong. */
export function parseDlqArguments(argv: string[]): DlqCommand {
  const [command, ...rest] = argv;
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--all') {
      flags.set('all', ['true']);
    } else if (arg.startsWith('--')) {
      const value = rest[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      flags.set(arg.slice(2), [...(flags.get(arg.slice(2)) ?? []), value]);
    } else {
      positional.push(arg);
    }
  }
  const unknown = [...flags.keys()].filter((flag) => !['queue', 'limit', 'id', 'all'].includes(flag));
  if (unknown.length > 0) throw new UsageError(`unknown option --${unknown[0]}`);
  const queue = () => {
    if (positional.length !== 1) throw new UsageError(`${command} needs exactly one queue`);
    return positional[0]!;
  };
  switch (command) {
    case 'list':
      if (positional.length > 0) throw new UsageError('list takes no queue; use --queue to add one');
      return { command, queues: flags.get('queue') ?? [] };
    case 'show': {
      const limit = Number(flags.get('limit')?.[0] ?? 10);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new UsageError('--limit must be an integer from 1 to 1000');
      }
      return { command, queue: queue(), limit };
    }
    case 'requeue': {
      const id = flags.get('id')?.[0];
      const all = flags.has('all');
      if (Boolean(id) === all) throw new UsageError('requeue needs exactly one of --id <event id> or --all');
      return { command, queue: queue(), which: id ? { id } : { all: true } };
    }
    case 'purge':
      return { command, queue: queue() };
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command');
  }
}

/** Runs one command and returns what to print. */
export async function runDlqCommand(command: DlqCommand, operations: DeadLetterOperations): Promise<string> {
  switch (command.command) {
    case 'list':
      return formatList(await operations.list(command.queues));
    case 'show': {
      const letters = await operations.show(command.queue, command.limit);
      return letters.length === 0 ? `${command.queue}: no dead letters` : JSON.stringify(letters, null, 2);
    }
    case 'requeue': {
      const moved = await operations.requeue(command.queue, command.which);
      if ('id' in command.which && moved === 0) {
        throw new UsageError(`no dead letter with id ${command.which.id} in ${command.queue}`);
      }
      return `requeued ${moved} message${moved === 1 ? '' : 's'} onto ${command.queue.replace(/\.dlq$/, '')}`;
    }
    case 'purge': {
      const purged = await operations.purge(command.queue);
      return `purged ${purged} message${purged === 1 ? '' : 's'} from ${command.queue.replace(/\.dlq$/, '')}.dlq`;
    }
  }
}

/** One line per DLQ: name, depth, oldest age. */
export function formatList(infos: DeadLetterQueueInfo[]): string {
  if (infos.length === 0) return 'no dead-letter queue exists on this broker yet';
  const rows = infos.map((info) => [info.queue, String(info.depth), age(info.oldestAgeSeconds)]);
  const header = ['queue', 'depth', 'oldest'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function age(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}
