import { existsSync } from 'node:fs';
import { join } from 'node:path';

import {
  WORKSPACE_ROOT,
  configProblems,
  deployableApps,
  envExampleVariables,
  readWorkspaceFile,
} from './app-catalog.util';
import { containerEnv, interpolatedVariables, loadCompose, parsePort } from './compose.util';
import { parseDockerfile } from './dockerfile.util';

const INFRASTRUCTURE = ['mysql', 'rabbitmq', 'migrations'];

describe('docker-compose.yml', () => {
  const apps = deployableApps();
  const envExample = envExampleVariables();
  const known = new Set(apps.flatMap((app) => [...app.variables]));
  // Without a .env (interpolation defaults) and with .env copied from .env.example: both must work.
  const variants = [
    { label: 'without .env', dotEnv: undefined },
    { label: 'with .env from .env.example', dotEnv: envExample },
  ];

  it('parses, and names every app, the two servers and the one-shot migrations', () => {
    const compose = loadCompose();
    expect(Object.keys(compose.services).sort()).toEqual(
      [...INFRASTRUCTURE, ...apps.map((app) => app.name)].sort(),
    );
    expect(compose.services['rabbitmq']!.image).toMatch(/^rabbitmq:[\d.]+-management$/);
    expect(compose.services['mysql']!.image).toMatch(/^mysql:8/);
  });

  it('reads only variables that .env.example documents', () => {
    const unknown = [...interpolatedVariables(readWorkspaceFile('docker-compose.yml'))].filter(
      (name) => !envExample.has(name),
    );
    expect(unknown).toEqual([]);
  });

  it('builds each app service from its own Dockerfile target and runs wechat-sim only under the sim profile', () => {
    const compose = loadCompose();
    const targets = new Set(parseDockerfile().map((stage) => stage.name));
    for (const name of [...apps.map((app) => app.name), 'migrations']) {
      const service = compose.services[name]!;
      expect(service.build).toEqual({ context: '.', target: name });
      expect(targets.has(name)).toBe(true);
      expect(service.image).toBe(`wxop/${name}`);
    }
    for (const app of apps) {
      expect(compose.services[app.name]!.profiles ?? []).toEqual(app.name === 'wechat-sim' ? ['sim'] : []);
    }
  });

  it('starts apps only after healthy servers and finished migrations; the simulator only after the apps', () => {
    const compose = loadCompose();
    for (const app of apps.filter((candidate) => candidate.name !== 'wechat-sim')) {
      expect(compose.services[app.name]!.depends_on).toEqual({
        mysql: { condition: 'service_healthy' },
        rabbitmq: { condition: 'service_healthy' },
        migrations: { condition: 'service_completed_successfully' },
      });
    }
    expect(compose.services['migrations']!.depends_on).toEqual({
      mysql: { condition: 'service_healthy' },
      rabbitmq: { condition: 'service_healthy' },
    });
    const sim = compose.services['wechat-sim']!.depends_on ?? {};
    for (const app of apps.filter((candidate) => candidate.name !== 'wechat-sim')) {
      expect(sim[app.name]).toEqual({ condition: 'service_healthy' });
    }
    for (const [name, service] of Object.entries(compose.services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) {
        expect({ name, dependency, exists: dependency in compose.services }).toEqual({
          name,
          dependency,
          exists: true,
        });
        if (compose.services[dependency]!.build) continue;
        expect(compose.services[dependency]!.healthcheck).toBeDefined();
      }
    }
  });

  it('declares every named volume and mounts only files that exist', () => {
    const compose = loadCompose();
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('.')) expect(existsSync(join(WORKSPACE_ROOT, source))).toBe(true);
        else expect(Object.keys(compose.volumes ?? {})).toContain(source);
      }
    }
  });

  it.each(variants)(
    'gives each app a configuration it accepts, on the port it publishes ($label)',
    ({ dotEnv }) => {
      const compose = loadCompose(dotEnv ? Object.fromEntries(dotEnv) : {});
      for (const app of apps) {
        const service = compose.services[app.name]!;
        const env = containerEnv(service, dotEnv);
        // The shared block (x-app-environment) holds variables of several apps; each must belong to one.
        for (const name of Object.keys(service.environment ?? {})) {
          expect({ app: app.name, variable: name, known: known.has(name) }).toEqual({
            app: app.name,
            variable: name,
            known: true,
          });
        }
        expect({ app: app.name, problems: configProblems(app, env) }).toEqual({
          app: app.name,
          problems: [],
        });
        expect(env[app.hostVariable]).toBe('0.0.0.0');
        const port = Number(env[app.portVariable] ?? app.defaultPort);
        expect((service.ports ?? []).map(parsePort).map((mapping) => mapping.container)).toEqual([port]);
        if (app.usesDatabase) {
          expect(env['DB_HOST']).toBe('mysql');
          expect(env['DB_NAME']).toBe('');
          // Replicas leave migrations to the migrations service (.env.example says true, for npm start).
          expect({ app: app.name, migrationsRun: env['DB_MIGRATIONS_RUN'] }).toEqual({
            app: app.name,
            migrationsRun: 'false',
          });
        }
        if (app.usesBroker) expect(env['RABBITMQ_URL']).toMatch(/@rabbitmq:5672$/);
      }
    },
  );

  it.each(variants)(
    'gives the migrations service what every app it migrates needs ($label)',
    ({ dotEnv }) => {
      const compose = loadCompose(dotEnv ? Object.fromEntries(dotEnv) : {});
      const env = containerEnv(compose.services['migrations']!, dotEnv);
      for (const app of apps.filter((candidate) => candidate.usesDatabase)) {
        expect({ app: app.name, problems: configProblems(app, env) }).toEqual({
          app: app.name,
          problems: [],
        });
      }
    },
  );

  it('wires the demo: wechat-sim pushes to ingress, the apps call wechat-sim, browsers reach both', () => {
    const compose = loadCompose();
    const sim = compose.services['wechat-sim']!.environment!;
    const ingress = apps.find((app) => app.name === 'ingress')!;
    expect(sim['SIM_DEMO_PUSH_BASE_URL']).toBe(`http://ingress:${ingress.defaultPort}`);
    expect(sim['SIM_SEED_DEMO']).toBe('true');
    for (const name of ['token', 'authorizer']) {
      expect(compose.services[name]!.environment!['WECHAT_API_BASE_URL']).toBe('http://wechat-sim:3900');
    }
    expect(compose.services['authorizer']!.environment!['WECHAT_MP_BASE_URL']).toBe(
      String(sim['SIM_PUBLIC_URL']),
    );
    // The token API is internal: published on the host's loopback only.
    expect(compose.services['token']!.ports).toEqual([expect.stringMatching(/^127\.0\.0\.1:/)]);
  });

  it('is what scripts/infra.sh and the README tell people to run', () => {
    expect(readWorkspaceFile('scripts/infra.sh')).toContain('docker compose up -d mysql rabbitmq');
    expect(readWorkspaceFile('README.md')).toContain('docker compose --profile sim up');
    const sql = readWorkspaceFile('deploy/compose/mysql-init.sql');
    // Each app's own database name, as its DatabaseModule.forRoot declares it (wxop_admin for admin-api).
    for (const app of apps.filter((candidate) => candidate.usesDatabase)) {
      expect(sql).toContain(`${app.schema?.defaultName ?? `wxop_${app.name.replace(/-/g, '_')}`} `);
    }
  });
});
