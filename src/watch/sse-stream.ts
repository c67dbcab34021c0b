import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

export interface SseStreamOptions {
  /** Interval of the `: ping` comment that keeps proxies and load balancers from closing an idle stream. */
  heartbeatMs: number;
  /**
   * Bytes a slow reader may leave unread before the stream is ended: the client resumes with
   * Last-Event-ID instead of the process buffering without bound.
   */
  maxBufferedBytes: number;
  /** Headers already set on the reply (request id and the like), kept on the stream's answer. */
  headers?: OutgoingHttpHeaders;
  /** What the client waits before reconnecting (the SSE `retry:` field). */
  retryMs?: number;
}

export interface SseMessage {
  /** Omitted for a message a client cannot resume after. */
  id?: string | null;
  event: string;
  data: unknown;
}

/** One line per field; a value never holds a line break (JSON.stringify escapes them). */
function field(name: string, value: string): string {
  return `${name}: ${value.replace(/[\r\n]+/g, ' ')}\n`;
}

/**
 * A Server-Sent Events answer written on the raw HTTP response (text/event-stream), with a
 * heartbeat, a bound on what a slow reader may leave unread, and one close path whichever side
 * ends it.
 */
export class SseStream {
  private heartbeat?: NodeJS.Timeout;
  private ended = false;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    private readonly raw: ServerResponse,
    private readonly options: SseStreamOptions,
  ) {
    raw.once('close', () => this.finish());
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Sends the 200 and the headers at once, so that the client knows the stream is open before the first event. */
  start(): void {
    // The client may have gone while the stream was being prepared: its 'close' has passed already.
    if (this.raw.destroyed || !this.raw.socket || this.raw.socket.destroyed) {
      this.finish();
      return;
    }
    this.raw.writeHead(200, {
      ...this.options.headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // nginx and some ingress controllers buffer answers unless told not to.
      'x-accel-buffering': 'no',
    });
    this.raw.flushHeaders();
    if (this.options.retryMs !== undefined) this.write(`retry: ${this.options.retryMs}\n\n`);
    this.heartbeat = setInterval(() => this.comment('ping'), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  send(message: SseMessage): void {
    let text = '';
    if (message.id) text += field('id', message.id);
    text += field('event', message.event);
    text += field('data', JSON.stringify(message.data));
    this.write(`${text}\n`);
  }

  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  /** Ends the answer (the server closes the stream); safe to call more than once. */
  end(): void {
    if (this.ended) return;
    this.finish();
    this.raw.end();
  }

  onClose(listener: () => void): void {
    if (this.ended) listener();
    else this.closeListeners.push(listener);
  }

  private write(text: string): void {
    if (this.ended || this.raw.destroyed) return;
    this.raw.write(text);
    if (this.raw.writableLength > this.options.maxBufferedBytes) this.end();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
