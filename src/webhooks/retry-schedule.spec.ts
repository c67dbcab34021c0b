import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../config/gateway-config.js';
import { nextRetryDelay, parseRetryAfter, RETRY_AFTER_CAP_MS } from './retry-schedule.js';

describe('webhook retry schedule', () => {
  const schedule = [5_000, 300_000, 1_800_000];

  it('follows the schedule with ±20% jitter, then gives up', () => {
    expect(nextRetryDelay(schedule, 1, null, () => 0)).toBe(4_000);
    expect(nextRetryDelay(schedule, 1, null, () => 1)).toBe(6_000);
    expect(nextRetryDelay(schedule, 2, null, () => 0.5)).toBe(300_000);
    expect(nextRetryDelay(schedule, 3, null, () => 0.5)).toBe(1_800_000);
    expect(nextRetryDelay(schedule, 4, null)).toBeNull();
  });

  it('waits longer when Retry-After asks for it, never shorter, and at most a day', () => {
    expect(nextRetryDelay(schedule, 1, 60_000, () => 0.5)).toBe(60_000);
    expect(nextRetryDelay(schedule, 2, 1_000, () => 0.5)).toBe(300_000);
    expect(nextRetryDelay(schedule, 1, 10 * RETRY_AFTER_CAP_MS, () => 0.5)).toBe(RETRY_AFTER_CAP_MS);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('is configured as durations with units, defaulting to about three days', () => {
    expect(loadConfig({ GATEWAY_ADMIN_TOKEN: 't', GATEWAY_WEBHOOK_RETRY_SCHEDULE: '100ms,5s,2m,1h,250' }).webhookRetryScheduleMs).toEqual([
      100, 5_000, 120_000, 3_600_000, 250,
    ]);
    const total = loadConfig({ GATEWAY_ADMIN_TOKEN: 't' }).webhookRetryScheduleMs.reduce((a, b) => a + b, 0);
    expect(total / 86_400_000).toBeGreaterThan(2.8);
    expect(total / 86_400_000).toBeLessThan(3.2);
    expect(() => loadConfig({ GATEWAY_ADMIN_TOKEN: 't', GATEWAY_WEBHOOK_RETRY_SCHEDULE: '5 minutes' })).toThrow(/GATEWAY_WEBHOOK_RETRY_SCHEDULE/);
  });
});
