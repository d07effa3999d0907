import { Module, type DynamicModule } from '@nestjs/common';

import { loadConfig, type ConfigSchema } from './load-config';

export interface ConfigModuleOptions {
  /** The schema classes this app needs; each becomes an injectable provider (inject the class). */
  schemas: ConfigSchema[];
  /** Defaults to process.env; tests pass their own. */
  env?: Record<string, string | undefined>;
}

/**
 * Validates the whole environment when the app module is built: the process refuses to
 * start and names every bad variable. Inject a section by its class:
 * `constructor(private readonly db: DatabaseConfig)`.
 */
@Module({})
export class ConfigModule {
  static forRoot(options: ConfigModuleOptions): DynamicModule {
    const sections = Object.fromEntries(options.schemas.map((schema, index) => [String(index), schema]));
    const loaded = loadConfig(sections, options.env);
    const providers = options.schemas.map((schema, index) => ({
      provide: schema,
      useValue: loaded[String(index)],
    }));
    return { module: ConfigModule, global: true, providers, exports: providers };
  }
}
