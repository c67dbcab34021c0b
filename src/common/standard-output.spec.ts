import { describe, expect, it } from '@jest/globals';
import { MAX_PENDING_BYTES, StandardOutput } from './standard-output.js';

/** A pipe in memory: takes at most `room` bytes until it is read. */
function pipe(room: number) {
  let taken = '';
  let free = room;
  const write = (bytes: Buffer): number => {
    if (free === 0) throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
    const n = Math.min(free, bytes.length);
    free -= n;
    taken += bytes.subarray(0, n).toString();
    return n;
  };
  return {
    write,
    taken: () => taken,
    read: () => {
      free = room;
    },
    open: (bytes: number) => {
      free = bytes;
    },
  };
}

/** Lines handed to pino's destination and flushed at once: one batch. */
function hand(out: StandardOutput, text: string): void {
  out.write(text);
  out.flush();
}

describe('StandardOutput', () => {
  it('writes what a full pipe did not take once it has room, in order and once', () => {
    const p = pipe(10);
    const out = new StandardOutput(p.write);
    hand(out, 'first line\nsecond line\n');
    expect(p.taken()).toBe('first line');
    hand(out, 'third\n');
    expect(p.taken()).toBe('first line');
    p.read();
    expect(out.drain()).toBe(false);
    p.read();
    p.read();
    while (!out.drain()) p.read();
    expect(p.taken()).toBe('first line\nsecond line\nthird\n');
  });

  it('keeps at most MAX_PENDING_BYTES, drops what comes beyond, and says so once the pipe takes everything', () => {
    const p = pipe(0);
    const out = new StandardOutput(p.write);
    const batch = `${'x'.repeat(1024 * 1024 - 1)}\n`;
    const kept = MAX_PENDING_BYTES / batch.length;
    for (let i = 0; i < kept + 2; i++) hand(out, batch);
    expect(p.taken()).toBe('');
    p.open(Number.POSITIVE_INFINITY);
    expect(out.drain()).toBe(true);
    const lines = p.taken().split('\n').filter(Boolean);
    expect(lines).toHaveLength(kept + 1);
    expect(lines.slice(0, kept).every((line) => line === batch.slice(0, -1))).toBe(true);
    expect(JSON.parse(lines[kept])).toMatchObject({ level: 40, msg: `standard output was full: ${2 * batch.length} bytes of log lines were dropped` });
    // Said once: nothing more follows.
    hand(out, 'next\n');
    expect(p.taken().endsWith('dropped"}\nnext\n')).toBe(true);
  });

  it('stops for good at a closed pipe (EPIPE) and keeps nothing', () => {
    let calls = 0;
    const out = new StandardOutput(() => {
      calls++;
      throw Object.assign(new Error('EPIPE'), { code: 'EPIPE' });
    });
    hand(out, 'a line\n');
    hand(out, 'another\n');
    expect(out.drain()).toBe(false);
    expect(calls).toBe(1);
  });
});
