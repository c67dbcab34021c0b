import { isIP } from 'node:net';

/** Which OpenID Connect issuer the gateway trusts, as configured (the verifier is src/access/oidc.ts). */
export interface OidcSettings {
  issuer: string;
  audience: string;
  /** The claim naming the caller's team. */
  teamClaim: string;
}

/** An `http://` issuer is accepted only on a loopback address (a local test issuer); otherwise https. */
export function issuerProblem(issuer: string): string | null {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'must be a URL';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol !== 'http:') return 'must be an https URL';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
  return loopback ? null : 'must be https (http is accepted only on a loopback address)';
}
