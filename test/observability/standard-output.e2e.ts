import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const LINES = 4000;

/**
 * A process logging through the gateway's logger (the built one, dist/) to a pipe that nobody
 * reads: the pipe fills after some 64 KiB. With a writer that waits for the pipe, the logging
 * would never end before the pipe is read; here it ends, and every line arrives once the pipe is
 * read.
 */
const child = `
const { createLogger } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'src', 'common', 'logger.js')).href)});
// Touched as the gateway touches it: a pipe on descriptor 1 is non-blocking from then on.
process.stdout;
const logger = createLogger('info');
const filler = 'x'.repeat(200);
for (let i = 0; i < ${LINES}; i++) {
  logger.info({ i, filler }, 'filler');
  if (i % 200 === 0) await new Promise((r) => setTimeout(r, 1));
}
process.stderr.write('logged\\n');
process.stdin.once('data', () => process.exit(0));
`;

describe('standard output', () => {
  it('does not hold up a process whose log pipe is full, and loses no line of it', async () => {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', child], { stdio: ['pipe', 'pipe', 'pipe'] });
    proc.stdout.pause();
    let errors = '';
    proc.stderr.on('data', (c: Buffer) => (errors += c.toString()));
    // Logged while nobody reads the pipe.
    await new Promise<void>((resolve, reject) => {
      proc.stderr.on('data', () => errors.includes('logged') && resolve());
      proc.once('exit', (code) => reject(new Error(`exited ${code}: ${errors}`)));
    });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.stdout.resume();
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.stdin.write('go\n');
    expect(await exited).toBe(0);
    const numbers = out
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; i: number })
      .filter((line) => line.msg === 'filler')
      .map((line) => line.i);
    expect(numbers).toEqual(Array.from({ length: LINES }, (_, i) => i));
  }, 30_000);
});
