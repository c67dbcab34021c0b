import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger, withSecretHeaders } from './logger.js';

function captured() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

describe('withSecretHeaders', () => {
  it('blanks the given headers in logged objects, and still what the logger blanks itself', () => {
    const { lines, logger } = captured();
    withSecretHeaders(logger, ['x-product-token']).info({ call: { headers: { 'x-product-token': 's3cret', accept: 'json' }, password: 'pw' } }, 'call');
    expect(lines.join('')).not.toContain('s3cret');
    expect(lines.join('')).not.toContain('"pw"');
    expect(JSON.parse(lines[0]).call.headers).toEqual({ 'x-product-token': '[redacted]', accept: 'json' });
  });

  it('leaves other headers as they are without it', () => {
    const { lines, logger } = captured();
    logger.info({ call: { headers: { 'x-product-token': 'visible' } } }, 'call');
    expect(lines.join('')).toContain('visible');
  });
});
