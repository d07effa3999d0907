export {
  loadConfig,
  validateSection,
  variableNames,
  ConfigValidationError,
  type ConfigSchema,
  type ConfigSections,
  type LoadedConfig,
} from './load-config';
export { EnvBoolean, EnvFloat, EnvInt, EnvList } from './env-transforms.util';
export { SecretVariable, isSecretVariable } from './secret-variable.util';
export {
  DatabaseConfig,
  RabbitMqConfig,
  HttpConfig,
  LogConfig,
  LOG_LEVELS,
  WechatEndpointsConfig,
  WechatComponentConfig,
  SecretsConfig,
} from './common.config';
export { ConfigModule, type ConfigModuleOptions } from './config.module';
