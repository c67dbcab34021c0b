import { hash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../common/problem.js';

/** One-shot SHA-256 (no Hash object per call: the admin token is checked on every request it sends). */
function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer') as unknown as Buffer;
}

/** The admin bearer token, compared in constant time (digests of equal length). */
export class BearerTokens {
  private readonly expected: Buffer;

  constructor(adminToken: string) {
    this.expected = digest(adminToken);
  }

  /** True when this is the token. */
  matches(token: string): boolean {
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
