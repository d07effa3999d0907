import { EnvInt } from '@wxop/config';
import { IsInt, IsString, Max, Min } from 'class-validator';

/** Code-release service settings (apps/code-release/README.md). */
export class CodeReleaseConfig {
  @IsString()
  CODE_RELEASE_HTTP_HOST = '0.0.0.0';

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  CODE_RELEASE_HTTP_PORT = 3400;

  /** Timeout of one WeChat call (commit, submit_audit, release, …). */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(60000)
  CODE_RELEASE_WECHAT_TIMEOUT_MS = 10000;

  /** Sockets to WeChat kept open per replica (campaign concurrency plus operators' calls). */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  CODE_RELEASE_WECHAT_MAX_SOCKETS = 128;

  /** Largest trial QR code image handed back over RPC (base64), in bytes. */
  @EnvInt()
  @IsInt()
  @Min(1024)
  @Max(4 * 1024 * 1024)
  CODE_RELEASE_QRCODE_MAX_BYTES = 1024 * 1024;

  /**
   * Cancel with undoAudits looks again this long after the cancel at a target that was submitting
   * and showed no audit yet: longer than a worker's submit can still be in flight (its 20 s lease
   * plus a WeChat call's timeout), so an audit whose submit answered after the cancel is withdrawn.
   */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(3600)
  CODE_RELEASE_CANCEL_SETTLE_SECONDS = 60;

  /**
   * undocodeaudit per mini program per Beijing day and per month, counted from release_history
   * before WeChat is called (WeChat's documented 5 and 10; older texts said one a day, §5.3).
   */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(100)
  CODE_RELEASE_UNDO_PER_DAY = 5;

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(1000)
  CODE_RELEASE_UNDO_PER_MONTH = 10;

  /** Finished operations on targets (code_release_operations and their targets) are kept this long. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(3650)
  CODE_RELEASE_OPERATION_RETENTION_DAYS = 90;

  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(86_400)
  CODE_RELEASE_OPERATION_PURGE_INTERVAL_SECONDS = 3600;
}
