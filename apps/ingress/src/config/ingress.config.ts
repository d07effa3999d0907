import { EnvInt, EnvList } from '@wxop/config';
import { QueueNames } from '@wxop/contracts';
import { ArrayMinSize, IsArray, IsInt, IsString, Matches, Max, Min, ValidateBy } from 'class-validator';

/** The value of INGRESS_REQUIRED_QUEUES that requires no queue (an empty value means the default, as for every variable). */
export const NO_REQUIRED_QUEUES = 'none';

/** Ingress settings; one platform can be bootstrapped without the token service (WechatComponentConfig). */
export class IngressConfig {
  @IsString()
  INGRESS_HTTP_HOST = '0.0.0.0';

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  INGRESS_HTTP_PORT = 3100;

  /** Largest push body accepted (WeChat's are a few KiB); larger answers 413. */
  @EnvInt()
  @IsInt()
  @Min(1024)
  @Max(10 * 1024 * 1024)
  INGRESS_BODY_LIMIT_BYTES = 256 * 1024;

  /** A push whose timestamp is further than this from now answers 401 (replay protection). */
  @EnvInt()
  @IsInt()
  @Min(1)
  INGRESS_TIMESTAMP_WINDOW_SECONDS = 300;

  /** How long a push waits for the broker's confirm before it goes to the outbox. */
  @EnvInt()
  @IsInt()
  @Min(50)
  @Max(4000)
  INGRESS_PUBLISH_TIMEOUT_MS = 1500;

  @EnvInt()
  @IsInt()
  @Min(50)
  INGRESS_OUTBOX_RELAY_INTERVAL_MS = 1000;

  /** How long component keys fetched from the token service are cached. */
  @EnvInt()
  @IsInt()
  @Min(1)
  INGRESS_KEYS_CACHE_SECONDS = 60;

  /**
   * Consumer queues (names without the namespace, comma-separated) that must exist before a push
   * is accepted: until they do, pushes answer 503 (WeChat retries) and /health/ready is down
   * (ADR 0026). Add the queues of every app deployed that consumes raw pushes; `none` requires none.
   */
  @EnvList()
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    each: true,
    message: 'INGRESS_REQUIRED_QUEUES must be queue names separated by commas, or none',
  })
  @ValidateBy({
    name: 'noneAlone',
    validator: {
      validate: (names: unknown) =>
        !Array.isArray(names) ||
        names.length === 1 ||
        !names.some((name) => String(name).toLowerCase() === NO_REQUIRED_QUEUES),
      defaultMessage: () => 'INGRESS_REQUIRED_QUEUES: none cannot be listed with queue names',
    },
  })
  INGRESS_REQUIRED_QUEUES: string[] = [
    QueueNames.TokenComponentPushes,
    QueueNames.AuthorizerAuthorizationPushes,
  ];

  /** While a required queue is missing, how often ingress asks the broker again. */
  @EnvInt()
  @IsInt()
  @Min(50)
  @Max(60_000)
  INGRESS_REQUIRED_QUEUES_CHECK_MS = 500;
}

/** The queues INGRESS_REQUIRED_QUEUES names, each once; none for `none`. */
export function requiredQueuesOf(config: Pick<IngressConfig, 'INGRESS_REQUIRED_QUEUES'>): string[] {
  const names = config.INGRESS_REQUIRED_QUEUES;
  if (names.length === 1 && names[0]!.toLowerCase() === NO_REQUIRED_QUEUES) return [];
  return [...new Set(names)];
}
