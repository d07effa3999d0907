import { deployableApps, readWorkspaceFile } from './app-catalog.util';
import { effective, execForm, parseDockerfile, stageEnv } from './dockerfile.util';

describe('Dockerfile', () => {
  const stages = parseDockerfile();
  const apps = deployableApps();

  it('has one stage per deployable app, built from the shared runtime stage', () => {
    expect(apps.map((app) => app.name)).toEqual(
      expect.arrayContaining(['ingress', 'token', 'authorizer', 'wechat-sim']),
    );
    for (const app of apps) {
      expect(stages.find((stage) => stage.name === app.name)?.from).toBe('runtime');
    }
  });

  it.each(deployableApps().map((app) => [app.name, app] as const))(
    '%s: its bundle and production dependencies only, as a non-root user, checked on /health/live',
    (name, app) => {
      const stage = stages.find((candidate) => candidate.name === name)!;
      const copies = stage.instructions
        .filter((instruction) => instruction.keyword === 'COPY')
        .map((i) => i.args);
      expect(copies).toEqual(
        expect.arrayContaining([expect.stringContaining(`/workspace/dist/apps/${name}/ ./`)]),
      );
      const installs = stage.instructions
        .filter((instruction) => instruction.keyword === 'RUN')
        .map((i) => i.args);
      expect(installs).toEqual([expect.stringMatching(/^npm ci --omit=dev /)]);
      expect(effective(stages, name, 'USER')).toMatch(/^[1-9]\d*:[1-9]\d*$/);
      expect(effective(stages, name, 'EXPOSE')).toBe(String(app.defaultPort));
      expect(execForm(effective(stages, name, 'CMD')!)).toEqual(['node', 'main.cjs']);
      expect(effective(stages, name, 'STOPSIGNAL')).toBe('SIGTERM');
      const healthcheck = effective(stages, name, 'HEALTHCHECK')!;
      expect(execForm(healthcheck.slice(healthcheck.indexOf('CMD ') + 4))).toEqual([
        'node',
        'healthcheck.cjs',
      ]);
      const env = stageEnv(stages, name);
      expect(env['NODE_ENV']).toBe('production');
      expect(env['WXOP_HEALTH_PORT_VARIABLE']).toBe(app.portVariable);
      expect(Number(env['WXOP_HEALTH_PORT_DEFAULT'])).toBe(app.defaultPort);
    },
  );

  it('the migrations image holds every app with a database and runs each one', () => {
    const withDatabase = apps.filter((app) => app.usesDatabase).map((app) => app.name);
    const migrations = stages.find((stage) => stage.name === 'migrations')!;
    for (const name of withDatabase) {
      expect(migrations.instructions).toContainEqual({
        keyword: 'COPY',
        args: `--from=${name} /app ./${name}`,
      });
    }
    const [node, script, ...migrated] = execForm(effective(stages, 'migrations', 'CMD')!);
    expect([node, script]).toEqual(['node', 'migrate.cjs']);
    expect([...migrated].sort()).toEqual([...withDatabase].sort());
    // Each app's own migrate entry, from its directory (its bundle and node_modules).
    const migrate = readWorkspaceFile('deploy/docker/migrate.cjs');
    expect(migrate).toMatch(/spawn\(process\.execPath, \['main\.cjs', 'migrate'\], \{\s*cwd: dir,/);
  });

  it('every app with a database has a migrate entry for the database and migrations it serves; the others none', () => {
    for (const app of apps) {
      expect({ app: app.name, entry: app.migrateEntry }).toEqual({
        app: app.name,
        entry: app.usesDatabase ? app.schema : undefined,
      });
      // wxop_<app>, or a shorter wxop_ name the app fixes (admin-api: wxop_admin); never shared.
      if (app.usesDatabase) expect(app.schema?.defaultName).toMatch(/^wxop_[a-z0-9_]+$/);
    }
    const names = apps.filter((app) => app.usesDatabase).map((app) => app.schema?.defaultName);
    expect(new Set(names).size).toBe(names.length);
  });

  it('builds every app in the build stage and leaves the workspace clutter out of the context', () => {
    const build = stages.find((stage) => stage.name === 'build')!;
    expect(build.instructions.map((i) => i.args)).toContain(
      'npx nx run-many -t build --projects=tag:type:app --outputStyle=static',
    );
    const ignored = readWorkspaceFile('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', 'dist', '.env', '.git']));
  });
});
