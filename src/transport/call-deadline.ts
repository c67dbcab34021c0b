/**
 * A cluster call's deadline, joined with its caller's signal (a job cut off at shutdown), as one
 * AbortSignal with one timer that is cleared when the call is over. `AbortSignal.timeout` keeps
 * its timer armed for the whole span (15 s by default) after the call has answered, and
 * `AbortSignal.any` keeps the joined signals linked: at a hundred creates a second, thousands of
 * each stayed alive at once.
 */
export class CallDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  /** Aborted when the time is up (a TimeoutError saying so) or when the caller's signal is. */
  readonly signal = this.controller.signal;
  /** True when the deadline, not the caller, ended the call. */
  expired = false;

  constructor(
    ms: number,
    private readonly outer?: AbortSignal,
  ) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError'));
    }, ms);
    this.timer.unref();
    if (outer?.aborted) this.controller.abort(outer.reason);
    else outer?.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  /** The call is over (answered or failed): the timer and the link to the caller's signal go. */
  clear(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onOuterAbort);
  }

  private readonly onOuterAbort = (): void => this.controller.abort(this.outer!.reason);
}
