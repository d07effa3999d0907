import { runMigrateCommand } from './migrate-command.util';
import type { MigrationsRun, RunMigrationsOptions } from './run-migrations.util';

function collect(run: (options: RunMigrationsOptions) => Promise<MigrationsRun>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line), run },
    out,
    err,
  };
}

describe(runMigrateCommand.name, () => {
  const options = { defaultName: 'wxop_things', migrations: [], env: {} };

  it('prints one line per migration applied and a summary, and exits 0', async () => {
    const { io, out, err } = collect(async () => ({
      database: 'wxop_things',
      applied: ['CreateThings1', 'AddColour2'],
      total: 2,
    }));
    await expect(runMigrateCommand(options, io)).resolves.toBe(0);
    expect(out).toEqual([
      'wxop_things: applied CreateThings1',
      'wxop_things: applied AddColour2',
      'wxop_things: 2 of 2 migrations applied, schema up to date',
    ]);
    expect(err).toEqual([]);
  });

  it('says the schema is up to date when nothing was pending', async () => {
    const { io, out } = collect(async () => ({ database: 'wxop_things', applied: [], total: 2 }));
    await expect(runMigrateCommand(options, io)).resolves.toBe(0);
    expect(out).toEqual(['wxop_things: schema up to date (2 migrations, none pending)']);
  });

  it('exits 1 naming the database (DB_NAME when set) and the reason, even one mysql2 gives no message', async () => {
    const refused = new AggregateError([new Error('connect ECONNREFUSED 127.0.0.1:3307')], '');
    const { io, out, err } = collect(() => Promise.reject(refused));
    await expect(runMigrateCommand({ ...options, env: { DB_NAME: 'wxop_other' } }, io)).resolves.toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual(['wxop_other: migrations failed: connect ECONNREFUSED 127.0.0.1:3307']);
  });

  it('exits 1 naming a bad variable, without connecting', async () => {
    const run = jest.fn();
    const { io, err } = collect(run);
    await expect(runMigrateCommand({ ...options, env: { DB_PORT: 'three' } }, io)).resolves.toBe(1);
    expect(run).not.toHaveBeenCalled();
    expect(err).toEqual([
      expect.stringMatching(/^wxop_things: migrations failed: Invalid configuration.*DB_PORT/s),
    ]);
  });
});
