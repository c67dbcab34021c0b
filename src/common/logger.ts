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
  // Standard output written in batches: see standardOutput.
  return pino(options, destination ?? standardOutput());
}

/**
 * Standard output takes lines in batches of at least this many bytes, and whatever is buffered
 * at least this often. A write per line cost every read about a tenth of its CPU, and an
 * asynchronous write (a task of libuv's thread pool, and its wake-ups) costs more than a
 * synchronous one: so one synchronous write for every 150 lines or so. At 8 KiB the writes still
 * took about 4% of a read's CPU in a profile (docs/performance.md); half the pipe's usual 64 KiB
 * leaves room for a reader that lags.
 */
const LOG_BATCH_BYTES = 32_768;
const LOG_FLUSH_MS = 100;

/**
 * Gathers lines and hands them on joined, LOG_BATCH_BYTES or more at a time. Not sonic-boom's
 * own `minLength`: that measures its whole buffer again (Buffer.byteLength of a growing string) on
 * every line, which cost as much as the line itself.
 */
class LineBatches implements pino.DestinationStream {
  private lines: string[] = [];
  private bytes = 0;

  constructor(private readonly out: StandardOutput) {}

  write(line: string): void {
    this.lines.push(line);
    this.bytes += line.length;
    if (this.bytes >= LOG_BATCH_BYTES) this.flush();
  }

  /** Called by pino's `logger.flush()` too. */
  flush(done?: (err?: Error) => void): void {
    if (this.lines.length) {
      const text = this.lines.join('');
      this.lines = [];
      this.bytes = 0;
      this.out.take(text);
    } else this.out.drain();
    done?.();
  }
}

let stdout: LineBatches | undefined;

/** One writer of standard output per process, whatever the number of loggers: their lines never interleave. */
function standardOutput(): pino.DestinationStream {
  if (stdout) return stdout;
  // Written synchronously and never waited for (src/common/standard-output.ts). What is still
  // gathered is written out as the process exits, however it exits (an uncaught error too); only
  // a kill that ends the process outright loses the last LOG_FLUSH_MS of lines.
  const out = new StandardOutput();
  const batches = new LineBatches(out);
  const flush = (): void => batches.flush();
  setInterval(flush, LOG_FLUSH_MS).unref();
  process.once('exit', () => {
    flush();
    out.finish();
  });
  stdout = batches;
  return stdout;
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
