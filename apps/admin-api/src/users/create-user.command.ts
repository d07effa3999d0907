import { DatabaseConfig, loadConfig } from '@wxop/config';
import { dataSourceOptions, runMigrations } from '@wxop/database';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';

import { SessionsRepository } from '../auth/sessions.repository';
import { ADMIN_ROLES, type AdminRole } from '../auth/roles.decorator';
import { ADMIN_API_MIGRATIONS } from '../database/migrations';
import { AdminApiError } from '../shared/admin-api.errors';
import { PasswordHasher } from './password-hasher.service';
import { UsersRepository } from './users.repository';
import { UsersService, USERNAME_PATTERN, normalizeUsername } from './users.service';

export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  readStdin: () => Promise<string>;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

const STDIO: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readStdin: () => readAll(process.stdin),
};

const USAGE =
  'usage: npm run admin -- create-user --username <name> --role admin|operator|viewer [--password-file <file>]\n' +
  '       (without --password-file the password is read from standard input; it is never an argument)';

/**
 * `npm run admin -- create-user …` (or `node main.cjs create-user …` in the image): creates a
 * user on the app's database (migrated first), the password from a file or standard input, under
 * the same policy as the API. Answers the exit code.
 */
export async function runCreateUserCommand(argv: string[], io: CommandIo = STDIO): Promise<number> {
  let values: { username?: string; role?: string; 'password-file'?: string };
  try {
    values = parseArgs({
      args: argv,
      options: {
        username: { type: 'string' },
        role: { type: 'string' },
        'password-file': { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const username = values.username ? normalizeUsername(values.username) : undefined;
  if (!username || !USERNAME_PATTERN.test(username) || !ADMIN_ROLES.includes(values.role as AdminRole)) {
    io.err(USAGE);
    return 2;
  }
  const raw = values['password-file'] ? readFileSync(values['password-file'], 'utf8') : await io.readStdin();
  const password = raw.replace(/\r?\n$/, '');
  if (!password) {
    io.err('no password given (standard input or --password-file)');
    return 2;
  }
  await runMigrations({ defaultName: 'wxop_admin', migrations: ADMIN_API_MIGRATIONS });
  const { db } = loadConfig({ db: DatabaseConfig });
  const dataSource = new DataSource({
    ...dataSourceOptions(db, { defaultName: 'wxop_admin', migrations: ADMIN_API_MIGRATIONS }),
    poolSize: 1,
  });
  await dataSource.initialize();
  try {
    const users = new UsersService(
      dataSource,
      new UsersRepository(dataSource),
      new SessionsRepository(dataSource),
      new PasswordHasher(),
    );
    const user = await users.create({ username, password, role: values.role as AdminRole });
    io.out(`created user ${user.username} (id ${user.id}, role ${user.role})`);
    return 0;
  } catch (error) {
    if (error instanceof AdminApiError) {
      io.err(`not created: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await dataSource.destroy();
  }
}
