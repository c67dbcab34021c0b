/** Each scheduled delay is spread by ±20%, so receivers that failed together are not retried together. */
export const RETRY_JITTER = 0.2;
/** A receiver's Retry-After is honoured up to this long. */
export const RETRY_AFTER_CAP_MS = 24 * 3_600_000;

/**
 * The wait before the next attempt once attempt `failedAttempt` (1 = the first) has failed, or
 * null when the schedule is used up. Retry-After wins when it asks for longer.
 */
export function nextRetryDelay(scheduleMs: number[], failedAttempt: number, retryAfterMs: number | null, random = Math.random): number | null {
  if (failedAttempt < 1 || failedAttempt > scheduleMs.length) return null;
  const scheduled = Math.round(scheduleMs[failedAttempt - 1] * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random()));
  return Math.max(scheduled, Math.min(retryAfterMs ?? 0, RETRY_AFTER_CAP_MS));
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3), as milliseconds from now. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return null;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
