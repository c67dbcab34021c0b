/**
 * ISO 8601 durations as products take them for passphrase expiry: PnDTnHnMnS or PnW (no years or
 * months, whose length depends on the calendar). Returns milliseconds, or null when malformed.
 */
const DURATION = /^P(?:(\d+)W|(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?)$/;

export function parseIsoDuration(text: string): number | null {
  const m = DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return null;
  const [, weeks, days, hours, minutes, seconds] = m;
  const total = Number(weeks ?? 0) * 7 * 86_400 + Number(days ?? 0) * 86_400 + Number(hours ?? 0) * 3_600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0);
  return total * 1000;
}

export const SEVEN_DAYS_MS = 7 * 86_400_000;
