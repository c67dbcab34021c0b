import { describe, expect, it } from '@jest/globals';
import { parseIsoDuration, SEVEN_DAYS_MS } from './iso-duration.js';

describe('ISO 8601 durations for passphrase expiry', () => {
  it('reads days, times and weeks', () => {
    expect(parseIsoDuration('P1D')).toBe(86_400_000);
    expect(parseIsoDuration('PT1H30M')).toBe(5_400_000);
    expect(parseIsoDuration('P1W')).toBe(SEVEN_DAYS_MS);
    expect(parseIsoDuration('P6DT23H59M59S')).toBe(SEVEN_DAYS_MS - 1000);
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['', 'P', 'PT', '1D', 'P1Y', 'P1M', 'tomorrow', 'P1DT']) expect(parseIsoDuration(bad)).toBeNull();
  });
});
