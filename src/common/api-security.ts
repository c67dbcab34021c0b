import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = { description?: string; security?: Record<string, string[]>[]; 'x-scopes'?: string[] };

const BEARER_DESCRIPTION =
  'Authorization: Bearer <credential>: the admin token (GATEWAY_ADMIN_TOKEN, every scope), an API key (gwk_..., made with POST /v1/api-keys), ' +
  'or, when the gateway trusts an OpenID Connect issuer, a JWT from it (scopes from `scope` or `scp`, team from the team claim).';

/**
 * The access model in the OpenAPI document: the security schemes (a bearer scheme that takes the
 * admin token, API keys and OIDC tokens; an `openIdConnect` scheme when an issuer is configured)
 * and, on every operation that needs a credential, its scope (`x-scopes`, the OIDC requirement
 * and a line of the description). A route declares its scope with `@Scopes()` (src/auth/).
 */
export function documentAccess(document: OpenAPIObject, oidcIssuer: string | undefined): OpenAPIObject {
  const schemes: Record<string, unknown> = {
    ...document.components?.securitySchemes,
    bearer: { type: 'http', scheme: 'bearer', description: BEARER_DESCRIPTION },
  };
  if (oidcIssuer) {
    schemes.oidc = {
      type: 'openIdConnect',
      openIdConnectUrl: `${oidcIssuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
      description: 'JWTs of the trusted issuer; the requirement lists the scope the operation needs.',
    };
  }
  document.components = { ...document.components, securitySchemes: schemes as never };
  for (const item of Object.values(document.paths ?? {})) {
    for (const op of Object.values(item as Record<string, Operation>)) {
      if (typeof op !== 'object' || op === null || !Array.isArray(op.security)) continue;
      const scopes = op['x-scopes'] ?? ['admin'];
      op['x-scopes'] = scopes;
      op.security = [{ bearer: [] }, ...(oidcIssuer ? [{ oidc: scopes }] : [])];
      const line = `Needs the scope \`${scopes.join('`, `')}\` (or \`admin\`).`;
      op.description = op.description ? `${op.description}\n\n${line}` : line;
    }
  }
  return document;
}
