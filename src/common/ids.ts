import { randomBytes } from 'node:crypto';

/**
 * Time-ordered ids (48-bit millisecond clock + 80 random bits, Crockford base32, like a ULID),
 * so that lexicographic order is creation order: cursors page through Redis sorted sets by id.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function encode(value: bigint, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

export function newId(prefix: string): string {
  const time = encode(BigInt(Date.now()), 10);
  const random = encode(BigInt(`0x${randomBytes(10).toString('hex')}`), 16);
  return `${prefix}_${time}${random}`;
}

/** The smallest id of `prefix` made at or after `ms`: a bound for ranges of time-ordered ids. */
export function idFloor(prefix: string, ms: number): string {
  return `${prefix}_${encode(BigInt(Math.max(0, Math.floor(ms))), 10)}`;
}
