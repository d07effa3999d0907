import { IsIn, IsOptional } from 'class-validator';

import type { LogFormat } from './logging';

export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

/**
 * How lines are written. Unset: pretty when stdout is a terminal, JSON otherwise (a pipe, a file,
 * a container's log). `npm start` sets `pretty` when its own output is a terminal, because under
 * `nx run-many` the apps' stdout is a pipe.
 */
export class LogFormatConfig {
  @IsOptional()
  @IsIn(LOG_FORMATS)
  LOG_FORMAT?: LogFormat;
}

/** The format for this process: LOG_FORMAT, else pretty on a terminal and JSON elsewhere. */
export function resolveLogFormat(configured: LogFormat | undefined, stdoutIsTerminal: boolean): LogFormat {
  return configured ?? (stdoutIsTerminal ? 'pretty' : 'json');
}
