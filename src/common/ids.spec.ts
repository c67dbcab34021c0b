import { describe, expect, it } from '@jest/globals';
import { idFloor, newId } from './ids.js';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const decode = (digits: string) => [...digits].reduce((n, d) => n * 32n + BigInt(ALPHABET.indexOf(d)), 0n);

describe('newId', () => {
  it('is the prefix, 10 digits of the millisecond clock and 16 random digits of Crockford base32', () => {
    const before = Date.now();
    const id = newId('op');
    const after = Date.now();
    expect(id).toMatch(/^op_[0-9a-hjkmnp-tv-z]{26}$/);
    const ms = Number(decode(id.slice(3, 13)));
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });

  it('gives distinct ids across many draws of the random pool, with every digit in use', () => {
    const ids = Array.from({ length: 5_000 }, () => newId('pr'));
    expect(new Set(ids).size).toBe(ids.length);
    const digits = new Set(ids.flatMap((id) => [...id.slice(13)]));
    expect(digits.size).toBe(32);
  });

  it('orders by creation time, and idFloor of a moment sorts before every id made from then on', async () => {
    const first = newId('pr');
    const floor = idFloor('pr', Date.now() + 2);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = newId('pr');
    expect(first < floor).toBe(true);
    expect(floor < later).toBe(true);
    expect(idFloor('pr', -5)).toBe('pr_0000000000');
  });
});
