import { DatabaseConfig, loadConfig } from '@wxop/config';

import { runMigrations, type MigrationsRun, type RunMigrationsOptions } from './run-migrations.util';

export interface MigrateCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** The migrations run itself; tests replace it. */
  run?: (options: RunMigrationsOptions) => Promise<MigrationsRun>;
}

const STDIO: MigrateCommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** The most specific text an error has: mysql2 rejects a refused connection with an AggregateError without a message. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const nested =
    error instanceof AggregateError ? error.errors.find((inner) => inner instanceof Error) : undefined;
  const code = (error as { code?: unknown }).code;
  return error.message || (nested as Error | undefined)?.message || (code ? String(code) : error.name);
}

/**
 * `node main.cjs migrate`: applies the app's pending migrations and says what it did, one line per
 * migration, for the person or the Job log that reads it. Answers the exit code (0 done, 1 failed).
 */
export async function runMigrateCommand(
  options: RunMigrationsOptions,
  io: MigrateCommandIo = STDIO,
): Promise<number> {
  let database = options.defaultName;
  try {
    const { db } = loadConfig({ db: DatabaseConfig }, options.env);
    database = db.DB_NAME ?? options.defaultName;
    const { applied, total } = await (io.run ?? runMigrations)(options);
    for (const name of applied) io.out(`${database}: applied ${name}`);
    io.out(
      applied.length === 0
        ? `${database}: schema up to date (${total} migrations, none pending)`
        : `${database}: ${applied.length} of ${total} migrations applied, schema up to date`,
    );
    return 0;
  } catch (error) {
    io.err(`${database}: migrations failed: ${describeError(error)}`);
    return 1;
  }
}
