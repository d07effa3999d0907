import type { LoggerService, LogLevel } from '@nestjs/common';
import type { Level, Logger as PinoLogger } from 'pino';

const LEVELS: Record<LogLevel, Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Nest's own start-up narration: a line per module, controller and route (about 200 for the
 * token service). Useful when a route is missing, noise otherwise, so it goes out at debug.
 */
const BOOT_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'NestMicroservice',
]);

/**
 * Nest's LoggerService over pino: `new Logger(Ctx.name).log({ msg: 'x', field })` writes one JSON
 * line with `context`, the correlation id and every field; credentials are censored by pino.
 */
export class AppLogger implements LoggerService {
  constructor(readonly pino: PinoLogger) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = params[params.length - 1];
    this.write(typeof context === 'string' && BOOT_CONTEXTS.has(context) ? 'debug' : 'log', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    // Nest passes (message, stack, context) for errors.
    const context = params.length > 1 ? params[params.length - 1] : params[0];
    const stack = params.length > 1 ? params[0] : undefined;
    this.write(
      'error',
      message,
      typeof context === 'string' ? [context] : [],
      typeof stack === 'string' ? stack : undefined,
    );
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: LogLevel, message: unknown, params: unknown[], stack?: string): void {
    const pinoLevel = LEVELS[level];
    if (!this.pino.isLevelEnabled(pinoLevel)) return;
    const last = params[params.length - 1];
    const context = typeof last === 'string' ? last : undefined;
    if (message instanceof Error) {
      this.pino[pinoLevel]({ context, err: message }, message.message);
    } else if (message !== null && typeof message === 'object') {
      this.pino[pinoLevel]({ context, ...(message as Record<string, unknown>), ...(stack ? { stack } : {}) });
    } else {
      this.pino[pinoLevel]({ context, ...(stack ? { stack } : {}) }, String(message));
    }
  }
}
