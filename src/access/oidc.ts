import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { issuerProblem, type OidcSettings } from '../config/oidc-settings.js';
import { hasScope, SCOPES, type Scope, TEAM_SLUG } from '../domain/access.js';

/** What a verified token says of its caller. */
export interface OidcIdentity {
  subject: string;
  team: string | null;
  scopes: Scope[];
}

export class OidcTokenError extends Error {}

/** Scopes from `scope` (space-separated) or `scp` (an array, or a space-separated string); unknown ones are ignored. */
export function scopesOf(payload: JWTPayload): Scope[] {
  const raw = payload.scope ?? payload.scp;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(' ') : [];
  return [...new Set(list.filter((s): s is Scope => typeof s === 'string' && (SCOPES as readonly string[]).includes(s)))];
}

/** Three base64url segments: the shape of a compact JWS. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/**
 * Bearer JWTs of one OpenID Connect issuer. The JWKS address comes from the issuer's discovery
 * document, read once (again after a failure); `createRemoteJWKSet` caches the keys and fetches
 * them again when a token names a key id it does not know (key rotation). `iss`, `aud`, `exp`
 * (required) and `nbf` are checked, with a minute of clock skew.
 */
export class OidcVerifier {
  private jwks: Promise<ReturnType<typeof createRemoteJWKSet>> | null = null;

  constructor(private readonly settings: OidcSettings) {}

  private keys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    this.jwks ??= this.discover().catch((err: unknown) => {
      this.jwks = null;
      throw err;
    });
    return this.jwks;
  }

  private async discover(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    const base = this.settings.issuer.replace(/\/$/, '');
    const response = await fetch(`${base}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new OidcTokenError(`the issuer's discovery document answered ${response.status}`);
    const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (document.issuer !== this.settings.issuer) throw new OidcTokenError('the discovery document names another issuer');
    if (typeof document.jwks_uri !== 'string' || issuerProblem(document.jwks_uri) !== null) {
      throw new OidcTokenError('the discovery document has no usable jwks_uri');
    }
    return createRemoteJWKSet(new URL(document.jwks_uri), { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  }

  /** The token's caller; throws OidcTokenError when the token is not valid here. */
  async verify(token: string): Promise<OidcIdentity> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keys(), {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['exp'],
        clockTolerance: 60,
      }));
    } catch (err) {
      if (err instanceof OidcTokenError) throw err;
      if (err instanceof errors.JOSEError) throw new OidcTokenError(err.code);
      throw new OidcTokenError((err as Error).message);
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new OidcTokenError('the token has no subject');
    const scopes = scopesOf(payload);
    const claim = payload[this.settings.teamClaim];
    const team = typeof claim === 'string' && TEAM_SLUG.test(claim) ? claim : null;
    if (team === null && !hasScope(scopes, 'admin')) throw new OidcTokenError(`the token names no team in its '${this.settings.teamClaim}' claim`);
    return { subject: payload.sub, team, scopes };
  }
}
