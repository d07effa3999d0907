import { EnvInt } from '@wxop/config';
import { IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';

const HTTP_URL = { protocols: ['http', 'https'], require_tld: false, require_protocol: true };

/** Authorizer service settings (apps/authorizer/README.md). */
export class AuthorizerConfig {
  @IsString()
  AUTHORIZER_HTTP_HOST = '0.0.0.0';

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  AUTHORIZER_HTTP_PORT = 3300;

  /**
   * Where merchants' browsers reach this service: start pages `<base>/authorize/<linkId>` and the
   * landing page `<base>/authorized/<linkId>`. Its host must be the platform's 授权发起页域名.
   */
  @IsUrl(HTTP_URL)
  AUTHORIZER_PUBLIC_BASE_URL!: string;

  /** When set, the landing page redirects here with `status`, `authorizerAppid`, `bizRef`, `reason`. */
  @IsOptional()
  @IsUrl(HTTP_URL)
  AUTHORIZER_RESULT_REDIRECT_URL?: string;

  /** Timeout of one WeChat call (api_get_authorizer_info). */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(30000)
  AUTHORIZER_WECHAT_TIMEOUT_MS = 5000;
}
