import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

export interface TestIssuer {
  /** The issuer URL (http on 127.0.0.1), as `iss` and GATEWAY_OIDC_ISSUER. */
  url: string;
  /** A token signed with the issuer's published key; claims override the defaults (sub, aud, iss, iat, exp). */
  sign(claims: JWTPayload, options?: { foreignKey?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** More routes of the issuer (its sign-in endpoints, test/support/oidc-sign-in.ts) and their discovery entries. */
export interface IssuerExtension {
  discovery(url: string): Record<string, unknown>;
  /** True when it answered the request. */
  handle(req: IncomingMessage, res: ServerResponse, issuer: { url: string; sign(claims: JWTPayload): Promise<string> }): boolean;
}

/**
 * An OpenID Connect issuer on 127.0.0.1: a real HTTP server with the discovery document and a
 * JWKS of one ES256 key, and tokens signed with jose. `foreignKey` signs with a key it does not
 * publish (under the same kid), which no verifier may accept.
 */
export async function startTestIssuer(audience: string, extension?: IssuerExtension): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const foreign = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'ES256', use: 'sig' };
  let url = '';
  let signer: TestIssuer['sign'] = () => Promise.reject(new Error('not started'));
  const server: Server = createServer((req, res) => {
    if (extension?.handle(req, res, { url, sign: (claims) => signer(claims) })) return;
    if (req.url === '/.well-known/openid-configuration') {
      res.setHeader('content-type', 'application/json');
      // Browsers read it too (a console signing in with authorization code and PKCE).
      res.setHeader('access-control-allow-origin', '*');
      res.end(JSON.stringify({ issuer: url, jwks_uri: `${url}/jwks.json`, id_token_signing_alg_values_supported: ['ES256'], ...extension?.discovery(url) }));
    } else if (req.url === '/jwks.json') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const now = () => Math.floor(Date.now() / 1000);
  signer = (claims, options = {}) =>
    new SignJWT({ iss: url, aud: audience, sub: 'person@example.com', iat: now(), exp: now() + 600, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'test-key-1', typ: 'JWT' })
      .sign(options.foreignKey ? foreign.privateKey : privateKey);
  return {
    url,
    sign: signer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
