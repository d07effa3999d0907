import pino, { type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

import { currentCorrelationId } from './correlation';
import { redactFields, scrubText } from './redaction';

/** `json`: one JSON object a line (production, pipes, log shippers); `pretty`: for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

export interface LoggingOptions {
  serviceName: string;
  level: string;
  /** Where lines go; stdout by default. Tests pass a stream to read them. */
  destination?: DestinationStream;
  /** Lines on stdout: pretty when stdout is a terminal, JSON otherwise (LOG_FORMAT overrides, see log-format.config.ts). */
  format?: LogFormat;
  /** Log one line per HTTP request (default true; health and metrics are never logged). */
  requestLogging?: boolean;
  /**
   * Carry the correlation id implicitly into every log line of handlers (AsyncLocalStorage).
   * Costs about half the throughput on Node 20 (docs/adr/0006); default false.
   */
  correlationContext?: boolean;
}

/**
 * pino settings shared by every app: JSON, ISO time, the correlation id on every line, and
 * credentials censored wherever they are (redaction.ts): by field name at any depth, inside
 * strings and errors, and in the message itself. A walk by name rather than pino's `redact`
 * paths, because a path list only reaches the places someone thought of.
 */
export function pinoOptions(options: LoggingOptions): LoggerOptions {
  return {
    level: options.level,
    base: { service: options.serviceName },
    messageKey: 'msg',
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    mixin: () => {
      const correlationId = currentCorrelationId();
      return correlationId ? { correlationId } : {};
    },
    // pino applies serializers after formatters.log, and the one named like messageKey to the message.
    serializers: {
      msg: (message: unknown) => (typeof message === 'string' ? scrubText(message) : message),
      // redactFields has printed errors already; pino's own `err` serializer would drop their causes.
      err: (error: unknown) => error,
    },
    formatters: {
      level: (label) => ({ level: label }),
      log: (fields) => redactFields(fields),
    },
  };
}

/**
 * Lines for a person: colours, local time, `[service/context] message` and the fields after it.
 * pino-pretty runs here as a plain stream in this thread (not a pino transport in a worker), and
 * only when asked for: JSON, the default off a terminal, pays nothing for it.
 */
function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  return pretty({
    destination: destination ?? 1,
    colorize: destination === undefined && Boolean(process.stdout.isTTY),
    messageKey: 'msg',
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'service,context',
    messageFormat: '[{service}{if context}/{context}{end}] {msg}',
    // One line per event, fields inline: four apps interleave their lines in one terminal.
    singleLine: true,
    sync: true,
  });
}

export function createPinoLogger(options: LoggingOptions): PinoLogger {
  const destination =
    options.format === 'pretty' ? prettyStream(options.destination) : (options.destination ?? process.stdout);
  return pino(pinoOptions(options), destination);
}
