import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
} from 'class-validator';

import { EnvBoolean, EnvInt } from './env-transforms.util';
import { SecretVariable } from './secret-variable.util';

/** MySQL / MariaDB connection. Each app sets its own DB_NAME (`wxop_token`, …). */
export class DatabaseConfig {
  @IsString()
  @IsNotEmpty()
  DB_HOST = '127.0.0.1';

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(65535)
  DB_PORT = 3306;

  @IsString()
  @IsNotEmpty()
  DB_USER = 'root';

  @SecretVariable()
  @IsString()
  DB_PASSWORD = '';

  @IsOptional()
  @Matches(/^[A-Za-z0-9_]{1,64}$/, { message: 'DB_NAME must be 1-64 characters of [A-Za-z0-9_]' })
  DB_NAME?: string;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(500)
  DB_POOL_SIZE = 10;

  /**
   * Apply pending migrations at start (development, `npm start`). Replicas in compose and k8s set
   * false: the migrations step runs each app's `migrate` entry, and an app that then finds pending
   * migrations refuses to start (docs/adr/0012).
   */
  @EnvBoolean()
  @IsBoolean()
  DB_MIGRATIONS_RUN = true;
}

/** RabbitMQ connection and the events exchange. */
export class RabbitMqConfig {
  @SecretVariable()
  @IsUrl({ protocols: ['amqp', 'amqps'], require_tld: false, require_protocol: true })
  RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(10000)
  RABBITMQ_PREFETCH = 20;

  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(60000)
  RABBITMQ_CONFIRM_TIMEOUT_MS = 2000;

  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(120000)
  RABBITMQ_RPC_TIMEOUT_MS = 5000;

  /** Prefix for every exchange and queue (several environments on one broker, benchmarks). Empty in production. */
  @Matches(/^([A-Za-z0-9_-]+\.)?$/, {
    message: 'RABBITMQ_NAMESPACE must be empty or end with a dot, e.g. "staging."',
  })
  RABBITMQ_NAMESPACE = '';

  /** First delay before a failed event delivery is retried; each next one doubles, up to the max. */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  RABBITMQ_RETRY_INITIAL_DELAY_MS = 5000;

  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(86_400_000)
  RABBITMQ_RETRY_MAX_DELAY_MS = 600_000;

  /** How long a failing event is retried before it goes to its queue's DLQ (default 24 h). */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(2_592_000)
  RABBITMQ_RETRY_MAX_TOTAL_SECONDS = 86_400;

  /** The same per consumer queue, overriding it and the consumer's own: `queue=seconds,…`. */
  @Matches(/^(|[A-Za-z0-9._-]+=\d+(,[A-Za-z0-9._-]+=\d+)*)$/, {
    message:
      'RABBITMQ_RETRY_MAX_TOTAL_SECONDS_BY_QUEUE must be empty or queue=seconds pairs separated by commas, e.g. "token.component-pushes=172800"',
  })
  RABBITMQ_RETRY_MAX_TOTAL_SECONDS_BY_QUEUE = '';
}

/** Where the HTTP server of an app listens. Each app has its own default port. */
export class HttpConfig {
  @IsString()
  @IsNotEmpty()
  HTTP_HOST = '0.0.0.0';

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT = 3000;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Logging. */
export class LogConfig {
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';
}

/** WeChat base URLs (CONTRACT.md §5): the same build talks to WeChat or to wechat-sim. */
export class WechatEndpointsConfig {
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  WECHAT_API_BASE_URL = 'https://api.weixin.qq.com';

  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  WECHAT_MP_BASE_URL = 'https://mp.weixin.qq.com';
}

/** Keys that encrypt secrets at rest (libs/secrets). */
export class SecretsConfig {
  /** `id:base64key,id2:base64key2`, each key 32 random bytes. */
  @SecretVariable()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=)*$/, {
    message: 'SECRETS_KEYS must be id:base64(32 bytes)[,id:base64(32 bytes)…]',
  })
  SECRETS_KEYS!: string;

  /** The key id new secrets are encrypted with; older ids only decrypt. */
  @Matches(/^[A-Za-z0-9_-]{1,32}$/)
  SECRETS_CURRENT_KEY_ID!: string;
}

/**
 * One third-party platform bootstrapped from the environment, without admin-api: ingress verifies
 * its pushes with the token and key, the token service stores all four (the secret only it reads).
 */
export class WechatComponentConfig {
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  WECHAT_COMPONENT_APPID?: string;

  /** AppSecret; read by the token service only. */
  @IsOptional()
  @SecretVariable()
  @IsString()
  WECHAT_COMPONENT_SECRET?: string;

  /** 消息校验Token */
  @IsOptional()
  @SecretVariable()
  @IsString()
  WECHAT_COMPONENT_TOKEN?: string;

  /** 消息加解密Key */
  @IsOptional()
  @SecretVariable()
  @Matches(/^[A-Za-z0-9]{43}$/, {
    message: 'WECHAT_COMPONENT_ENCODING_AES_KEY must be 43 characters of [A-Za-z0-9]',
  })
  WECHAT_COMPONENT_ENCODING_AES_KEY?: string;
}
