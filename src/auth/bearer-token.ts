import { hash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../common/problem.js';

/** One-shot SHA-256 (no Hash object per call). */
function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer') as unknown as Buffer;
}

/**
 * Tokens shorter than this many bytes (UTF-8) are compared as they are, zero-padded to this width, in
 * constant time: the admin token is checked on every request it sends, and a SHA-256 of it cost
 * a read about 4% of its CPU (docs/performance.md). Longer ones are compared by their digests.
 */
const COMPARED_WIDTH = 512;

/** The admin bearer token, compared in constant time: its length and content alike. */
export class BearerTokens {
  private readonly expected: Buffer;
  private readonly padded = Buffer.alloc(COMPARED_WIDTH);
  private readonly paddedLength: number;
  /** Where a candidate is written to be compared (synchronously, so one per instance is enough). */
  private readonly candidate = Buffer.alloc(COMPARED_WIDTH);

  constructor(adminToken: string) {
    this.expected = digest(adminToken);
    const length = this.padded.write(adminToken, 'utf8');
    // A token that fills the width may have been cut: only its digest is compared then.
    this.paddedLength = length < COMPARED_WIDTH ? length : -1;
  }

  /** True when this is the token. */
  matches(token: string): boolean {
    if (this.paddedLength >= 0 && token.length < COMPARED_WIDTH) {
      this.candidate.fill(0);
      const length = this.candidate.write(token, 'utf8');
      // Not cut (it did not fill the width): the padded bytes and the length decide.
      if (length < COMPARED_WIDTH) return timingSafeEqual(this.candidate, this.padded) && length === this.paddedLength;
    }
    return timingSafeEqual(digest(token), this.expected);
  }

  /** True when the Authorization header carries the token. */
  accepts(header: string | string[] | undefined): boolean {
    if (typeof header !== 'string') return false;
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    return match !== null && this.matches(match[1]);
  }

  /** Throws the 401 problem (rendered with `WWW-Authenticate: Bearer`) unless the header carries the token. */
  require(header: string | string[] | undefined): void {
    if (!this.accepts(header)) throw new GatewayError('unauthorized', 'send Authorization: Bearer <token> with a valid token');
  }
}
