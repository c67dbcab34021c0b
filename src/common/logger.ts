import pino, { type Logger } from 'pino';
import { type LoggerService } from '@nestjs/common';

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
  '*.headers["x-consul-token"]',
  'auth',
  '*.auth',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'peering-gateway' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
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
