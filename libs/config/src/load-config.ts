import 'reflect-metadata';

import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';

import { isSecretVariable } from './secret-variable.util';

/** A class whose properties are environment variables, with class-validator rules and defaults. */
export type ConfigSchema<T extends object = object> = new () => T;

export type ConfigSections = Record<string, ConfigSchema>;
export type LoadedConfig<S extends ConfigSections> = { [K in keyof S]: InstanceType<S[K]> };

/** Every bad variable, one per line, so a person fixes them all in one go. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n` +
        problems.map((problem) => `  - ${problem}`).join('\n') +
        '\nSee .env.example for every variable and its meaning.',
    );
    this.name = 'ConfigValidationError';
  }
}

function describe(schema: ConfigSchema, error: ValidationError): string {
  const value = error.value as unknown;
  const shown =
    value === undefined
      ? 'missing'
      : isSecretVariable(schema, error.property)
        ? 'got a value (hidden)'
        : `got ${JSON.stringify(value)}`;
  const rules = Object.values(error.constraints ?? {}).join('; ');
  return `${error.property}: ${rules} (${shown})`;
}

/** The variables a schema declares: every property with a default or a validation rule. */
export function variableNames(schema: ConfigSchema): string[] {
  const validated = getMetadataStorage()
    .getTargetValidationMetadatas(schema, '', true, false)
    .map((metadata) => metadata.propertyName);
  return [...new Set([...Object.keys(new schema()), ...validated])];
}

/** Validates one schema against the environment; returns the typed instance or the problems. */
export function validateSection<T extends object>(
  schema: ConfigSchema<T>,
  env: Record<string, string | undefined>,
): { config: T; problems: string[] } {
  const names = variableNames(schema);
  const plain: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    // An empty variable means "not set": `FOO=` in a .env file should fall back to the default.
    if (value !== undefined && value !== '') plain[name] = value;
  }
  const config = plainToInstance(schema, plain, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false, forbidUnknownValues: false });
  return { config, problems: errors.map((error) => describe(schema, error)) };
}

/**
 * Loads and validates several sections at once (`{ db: DatabaseConfig, … }`) and throws one
 * ConfigValidationError naming every bad variable of every section. The only reader of
 * `process.env` in the codebase.
 */
export function loadConfig<S extends ConfigSections>(
  sections: S,
  env: Record<string, string | undefined> = process.env,
): LoadedConfig<S> {
  const result = {} as LoadedConfig<S>;
  const problems: string[] = [];
  for (const [key, schema] of Object.entries(sections)) {
    const section = validateSection(schema, env);
    problems.push(...section.problems);
    (result as Record<string, object>)[key] = section.config;
  }
  if (problems.length > 0) throw new ConfigValidationError([...new Set(problems)]);
  return result;
}
