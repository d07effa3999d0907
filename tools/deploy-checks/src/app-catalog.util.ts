import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import * as sharedConfig from '@wxop/config';
import { variableNames, type ConfigSchema } from '@wxop/config';

export const WORKSPACE_ROOT = join(__dirname, '..', '..', '..');

/** What the deployment files must agree with, read from an app's own sources. */
export interface AppInfo {
  name: string;
  /** The config classes its module validates at boot (`schemas: [...]` in app.module.ts). */
  schemas: ConfigSchema[];
  variables: Set<string>;
  /** Each variable's default, as the schema declares it (undefined when it has none). */
  defaults: Record<string, unknown>;
  hostVariable: string;
  portVariable: string;
  defaultPort: number;
  usesDatabase: boolean;
  usesBroker: boolean;
  /** The schema DatabaseModule.forRoot serves (app.module.ts), when the app has a database. */
  schema?: SchemaReference;
  /** The schema its `node main.cjs migrate` entry migrates (src/main.ts), when it has one. */
  migrateEntry?: SchemaReference;
}

/** A database default name and the migrations constant, as written in the source. */
export interface SchemaReference {
  defaultName: string;
  migrations: string;
}

function schemaReference(source: string, call: RegExp): SchemaReference | undefined {
  const match = call.exec(source);
  if (!match) return undefined;
  const body = match[1]!;
  const defaultName = /defaultName:\s*'([^']+)'/.exec(body)?.[1];
  const migrations = /migrations:\s*([A-Z_][A-Z0-9_]*)/.exec(body)?.[1];
  return defaultName && migrations ? { defaultName, migrations } : undefined;
}

export function readWorkspaceFile(path: string): string {
  return readFileSync(join(WORKSPACE_ROOT, path), 'utf8');
}

function schemaNames(app: string): string[] {
  const module = readWorkspaceFile(`apps/${app}/src/app.module.ts`);
  const list = /schemas:\s*\[([^\]]*)\]/.exec(module);
  if (!list) throw new Error(`apps/${app}/src/app.module.ts: no "schemas: [...]" in ConfigModule.forRoot`);
  return list[1]!
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

function loadSchemas(app: string): ConfigSchema[] {
  // The checks read an app the way a deployer does, by its conventional paths, so this project keeps
  // no build-time dependency on the apps (apps are never imported, STYLE.md); hence a computed path.
  const ownConfig = join(WORKSPACE_ROOT, 'apps', app, 'src', 'config', `${app}.config.ts`);
  const own = (existsSync(ownConfig) ? require(ownConfig) : {}) as Record<string, unknown>;
  const shared = sharedConfig as unknown as Record<string, unknown>;
  return schemaNames(app).map((name) => {
    const schema = own[name] ?? shared[name];
    if (typeof schema !== 'function') throw new Error(`${app}: config class ${name} not found`);
    return schema as ConfigSchema;
  });
}

function describeApp(name: string): AppInfo {
  const schemas = loadSchemas(name);
  const variables = new Set<string>();
  const defaults: Record<string, unknown> = {};
  for (const schema of schemas) {
    const instance = new schema() as Record<string, unknown>;
    for (const variable of variableNames(schema)) {
      variables.add(variable);
      defaults[variable] = instance[variable];
    }
  }
  const one = (suffix: string): string => {
    const found = [...variables].filter((variable) => variable.endsWith(suffix) && variable !== suffix);
    if (found.length !== 1)
      throw new Error(`${name}: expected one *${suffix} variable, found ${found.join(', ')}`);
    return found[0]!;
  };
  const portVariable = one('_HTTP_PORT');
  return {
    name,
    schemas,
    variables,
    defaults,
    hostVariable: one('_HTTP_HOST'),
    portVariable,
    defaultPort: Number(defaults[portVariable]),
    usesDatabase: schemas.includes(sharedConfig.DatabaseConfig),
    usesBroker: schemas.includes(sharedConfig.RabbitMqConfig),
    schema: schemaReference(
      readWorkspaceFile(`apps/${name}/src/app.module.ts`),
      /DatabaseModule\.forRoot\(\{([^}]*)\}\)/,
    ),
    migrateEntry: /process\.argv\[2\] === 'migrate'/.test(readWorkspaceFile(`apps/${name}/src/main.ts`))
      ? schemaReference(readWorkspaceFile(`apps/${name}/src/main.ts`), /runMigrateCommand\(\{([^}]*)\}\)/)
      : undefined,
  };
}

/** Every service with a `build` target, i.e. every app that ships as an image (the console ships inside admin-api's). */
export function deployableApps(): AppInfo[] {
  return readdirSync(join(WORKSPACE_ROOT, 'apps'))
    .filter((name) => {
      const project = join(WORKSPACE_ROOT, 'apps', name, 'project.json');
      if (!existsSync(project)) return false;
      const { targets, tags } = JSON.parse(readFileSync(project, 'utf8')) as {
        targets?: Record<string, unknown>;
        tags?: string[];
      };
      return Boolean(targets?.['build']) && (tags ?? []).includes('type:app');
    })
    .sort()
    .map(describeApp);
}

/** The variables .env.example names (commented-out lines excluded). */
export function envExampleVariables(): Map<string, string> {
  const variables = new Map<string, string>();
  for (const line of readWorkspaceFile('.env.example').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) variables.set(match[1]!, match[2]!);
  }
  return variables;
}

/** Problems the app's own validation finds in an environment (empty when it would start). */
export function configProblems(app: AppInfo, env: Record<string, string | undefined>): string[] {
  return app.schemas.flatMap((schema) => sharedConfig.validateSection(schema, env).problems);
}
