import { EnvInt } from '@wxop/config';
import { IsInt, IsString, Max, Min } from 'class-validator';

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
}
