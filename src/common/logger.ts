import { createRequire } from 'node:module';
import pino, { type Logger, type LoggerOptions } from 'pino';
import { type LoggerService } from '@nestjs/common';
import { StandardOutput } from './standard-output.js';

/**
 * Paths pino blanks out wherever they appear in a logged object. Secrets are kept out of log
 * calls to begin with; this is the second line of defence.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  '*.*.token',
  'secret',
  '*.secret',
  '*.*.secret',
  'passphrase',
  '*.passphrase',
  '*.*.passphrase',
  'PeeringToken',
  '*.PeeringToken',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  'auth',
  '*.auth',
];

const CENSOR = '[redacted]';

/**
 * The logger with further credential headers blanked (the products' own, src/products/index.ts),
 * besides REDACTED_PATHS. A child with its own redaction: what the parent blanks, it blanks too.
 */
export function withSecretHeaders(logger: Logger, headers: readonly string[]): Logger {
  if (!headers.length) return logger;
  const paths = headers.flatMap((name) => [`headers[${JSON.stringify(name)}]`, `*.headers[${JSON.stringify(name)}]`]);
  return logger.child({}, { redact: { paths: [...REDACTED_PATHS, ...paths], censor: CENSOR } });
}

export interface LoggerFormat {
  /** Human-readable lines (pino-pretty) instead of JSON: for a person at a terminal, never for collectors. */
  pretty?: boolean;
}

/**
 * The one logger of a process. Every line written while a request is answered or an operation
 * runs carries its `requestId` (and `operationId`), given by the code that writes it (see
 * src/common/request-context.ts for where each comes from).
 */
export function createLogger(level: string, destination?: pino.DestinationStream, format: LoggerFormat = {}): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'peering-gateway' },
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
  };
  if (!destination && format.pretty && prettyAvailable()) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  // Standard output written in batches (src/common/standard-output.ts).
  return pino(options, destination ?? standardOutput());
}

/** At least this often, whatever is gathered is written. */
const LOG_FLUSH_MS = 100;

let stdout: StandardOutput | undefined;

/** One writer of standard output per process, whatever the number of loggers: their lines never interleave. */
function standardOutput(): pino.DestinationStream {
  if (stdout) return stdout;
  // Written synchronously and never waited for (src/common/standard-output.ts). What is still
  // gathered is written out as the process exits, however it exits (an uncaught error too); only
  // a kill that ends the process outright loses the last LOG_FLUSH_MS of lines.
  const out = (stdout = new StandardOutput());
  setInterval(() => out.flush(), LOG_FLUSH_MS).unref();
  process.once('exit', () => out.finish());
  return out;
}

/** pino-pretty is a development dependency: an image built without it logs JSON. */
function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** Lets Nest's own messages go through the same pino logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

export const LOGGER = Symbol('LOGGER');
