import { randomBytes } from 'node:crypto';
import { ERRORS, ontapError } from './errors.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The default lifetime of a passphrase (NetApp's cluster-peers reference: "The default is 1 hour"). */
const DEFAULT_EXPIRY_MS = HOUR_MS;
/** "Expiration time must not be greater than seven days into the future." */
const MAX_EXPIRY_MS = 7 * DAY_MS;
/** ONTAP refuses shorter passphrases ("The minimum required length of the passphrase is eight characters"). */
export const MIN_PASSPHRASE_LENGTH = 8;

/** PnW, or PnDTnHnMnS where each part may be dropped when zero and T only comes with a time part. */
const DURATION = /^P(?:(\d+)W|(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?)$/;

/** A passphrase like the ones ONTAP generates: 20 characters of letters, digits, + and /. */
export function generatePassphrase(): string {
  return randomBytes(15).toString('base64');
}

/** Milliseconds of an ISO 8601 duration, or undefined when `text` is not one. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text.endsWith('T')) return undefined;
  const [weeks, days, hours, minutes, seconds] = m.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  if ([weeks, days, hours, minutes, seconds].every((part) => part === undefined)) return undefined;
  return (weeks ?? 0) * 7 * DAY_MS + (days ?? 0) * DAY_MS + (hours ?? 0) * HOUR_MS + (minutes ?? 0) * 60_000 + (seconds ?? 0) * 1000;
}

/**
 * When a passphrase given `authentication.expiry_time` expires (epoch ms): a duration from now or
 * a date and time; one hour when absent. More than 7 days ahead is ONTAP's 4655058.
 */
export function expiryFrom(expiryTime: string | undefined, now: number): number {
  if (expiryTime === undefined) return now + DEFAULT_EXPIRY_MS;
  const duration = parseDuration(expiryTime);
  const expiresAt = duration !== undefined ? now + duration : Date.parse(expiryTime);
  if (Number.isNaN(expiresAt) || expiresAt <= now) {
    throw ontapError(ERRORS.invalidValue, {
      target: 'authentication.expiry_time',
      detail: `"${expiryTime}" is not an ISO 8601 duration (PnDTnHnMnS, PnW) or a date and time in the future.`,
    });
  }
  if (expiresAt - now > MAX_EXPIRY_MS) throw ontapError(ERRORS.expiryTooFar, { target: 'authentication.expiry_time' });
  return expiresAt;
}

/** ONTAP's date-time rendering: ISO 8601 in UTC, to the second. */
export function formatTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
