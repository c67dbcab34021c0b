import { writeSync } from 'node:fs';
import type pino from 'pino';

/**
 * Lines are gathered and written joined, at least this many bytes at a time. A write per line
 * cost every read about a tenth of its CPU, and an asynchronous write (a task of libuv's thread
 * pool, and its wake-ups) costs more than a synchronous one: so one synchronous write for every
 * 150 lines or so. At 8 KiB the writes still took about 4% of a read's CPU in a profile
 * (docs/performance.md); half the pipe's usual 64 KiB leaves room for a reader that lags.
 * Not sonic-boom's own `minLength`: that measures its whole buffer again (Buffer.byteLength of a
 * growing string) on every line, which cost as much as the line itself.
 */
export const LOG_BATCH_BYTES = 32_768;

/** What standard output has not taken yet is kept up to this much; later lines are dropped and counted. */
export const MAX_PENDING_BYTES = 4 * 1024 * 1024;
/** How long a process that exits keeps offering what is left to a full pipe. */
const EXIT_PATIENCE_MS = 1_000;

/**
 * pino's destination for standard output: gathers lines (LOG_BATCH_BYTES) and writes them
 * without ever waiting for the pipe. Once anything has touched `process.stdout`, a pipe on file
 * descriptor 1 is non-blocking; when it is full (a log reader that lags), a write fails with EAGAIN. pino's own synchronous destination (sonic-boom)
 * then sleeps 100 ms and tries again, the whole event loop with it, for as long as the pipe stays
 * full. Here what the pipe does not take waits for the next batch or flush, up to
 * MAX_PENDING_BYTES; beyond that, lines are dropped, and a line saying how many bytes were dropped
 * follows once the pipe takes everything again. A closed pipe (EPIPE) or any other failure ends
 * the writing: nothing more is kept or tried.
 */
export class StandardOutput implements pino.DestinationStream {
  private lines: string[] = [];
  private lineBytes = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private droppedBytes = 0;
  private closed = false;

  /** `writeBytes` is the system call: file descriptor 1 by default, another in the specs. */
  constructor(private readonly writeBytes: (bytes: Buffer) => number = (bytes) => writeSync(1, bytes)) {}

  /** One line from pino: gathered until LOG_BATCH_BYTES are. */
  write(line: string): void {
    this.lines.push(line);
    this.lineBytes += line.length;
    if (this.lineBytes >= LOG_BATCH_BYTES) this.flush();
  }

  /** Writes what is gathered, or what still waits for the pipe. Called by pino's `logger.flush()` too. */
  flush(done?: (err?: Error) => void): void {
    if (this.lines.length) {
      const text = this.lines.join('');
      this.lines = [];
      this.lineBytes = 0;
      this.take(text);
    } else this.drain();
    done?.();
  }

  /** A batch of whole lines: written as far as the pipe takes it now. */
  private take(text: string): void {
    if (this.closed) return;
    const bytes = Buffer.from(text);
    if (this.pendingBytes + bytes.length > MAX_PENDING_BYTES) {
      // Older lines first: what waits is written before anything newer, and the newer is dropped.
      if (!this.drain()) {
        this.droppedBytes += bytes.length;
        return;
      }
    }
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.drain();
  }

  /** Writes what waits; true when nothing is left. */
  drain(): boolean {
    while (!this.closed && this.pending.length) {
      const head = this.pending[0];
      let written: number;
      try {
        written = this.writeBytes(head);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return false;
        this.close();
        return false;
      }
      this.pendingBytes -= written;
      if (written < head.length) this.pending[0] = head.subarray(written);
      else this.pending.shift();
      if (!this.pending.length && this.droppedBytes) this.noteDropped();
    }
    return !this.closed;
  }

  /** At exit: what is left is offered for EXIT_PATIENCE_MS at most (the process is ending; waiting blocks nothing else). */
  finish(): void {
    this.flush();
    const until = Date.now() + EXIT_PATIENCE_MS;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (!this.drain() && !this.closed && Date.now() < until) Atomics.wait(pause, 0, 0, 10);
  }

  private noteDropped(): void {
    const line = { level: 40, time: Date.now(), msg: `standard output was full: ${this.droppedBytes} bytes of log lines were dropped` };
    this.droppedBytes = 0;
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`);
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
  }

  private close(): void {
    this.closed = true;
    this.pending = [];
    this.pendingBytes = 0;
  }
}
