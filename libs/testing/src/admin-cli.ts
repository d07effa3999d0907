import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

export type AdminCliRole = 'admin' | 'operator' | 'viewer';

export interface AdminCliUser {
  username: string;
  password: string;
  role: AdminCliRole;
}

/**
 * `npm run admin -- create-user` (admin-api's CLI, `scripts/run-ts.cjs apps/admin-api/src/main.ts`)
 * against the database `env` names, the password on standard input as the README says: the only
 * way to a first user. A random name (`<role>-<hex>`) and a strong random password unless given.
 */
export function createAdminUser(
  env: Record<string, string | undefined>,
  role: AdminCliRole,
  options: { username?: string; password?: string } = {},
): Promise<AdminCliUser> {
  const user: AdminCliUser = {
    username: options.username ?? `${role}-${randomBytes(4).toString('hex')}`,
    password: options.password ?? `pw-${randomBytes(12).toString('base64url')}`,
    role,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        'scripts/run-ts.cjs',
        'apps/admin-api/src/main.ts',
        'create-user',
        '--username',
        user.username,
        '--role',
        role,
      ],
      { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(user)
        : reject(
            new Error(
              `npm run admin -- create-user answered ${code}:\n${Buffer.concat(output).toString().trim()}`,
            ),
          ),
    );
    child.stdin.end(`${user.password}\n`);
  });
}
