// `npm run dlq -- list | show <queue> [--limit N] | requeue <queue> [--id ID | --all] | purge <queue>`
import { loadConfig, RabbitMqConfig } from '@wxop/config';
import { DeadLetters } from '@wxop/messaging';

import { parseDlqArguments, runDlqCommand, UsageError, USAGE } from './dlq.cli';

async function main(): Promise<number> {
  let command;
  try {
    command = parseDlqArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { rabbit } = loadConfig({ rabbit: RabbitMqConfig });
  const deadLetters = await DeadLetters.connect(rabbit.RABBITMQ_URL, rabbit.RABBITMQ_NAMESPACE);
  try {
    process.stdout.write(`${await runDlqCommand(command, deadLetters)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${error instanceof UsageError ? '' : 'dlq: '}${(error as Error).message}\n`);
    return 1;
  } finally {
    await deadLetters.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`dlq: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
