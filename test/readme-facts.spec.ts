import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ROUTE_RETRY } from '../src/orchestration/retry.js';

/** Facts the README states that the code decides: they must say what the code does. */
describe('the README', () => {
  const readme = readFileSync('README.md', 'utf8');

  it('gives the steady route retry cadence of the code', () => {
    const stated = [...readme.matchAll(/`steady` \(the same request every (\d+) ms for ([\d.]+) s\)/g)];
    expect(stated.length).toBeGreaterThan(0);
    for (const [, every, window] of stated) expect([Number(every), Number(window) * 1000]).toEqual([ROUTE_RETRY.firstDelayMs, ROUTE_RETRY.windowMs]);
  });

  it('writes no fixed date in its examples, which would expire: dates are computed (date -d)', () => {
    expect(readme.match(/"expiresAt": "\d{4}-\d{2}-\d{2}/g) ?? []).toEqual([]);
  });
});
