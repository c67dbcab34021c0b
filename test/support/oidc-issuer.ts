import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

export interface TestIssuer {
  /** The issuer URL (http on 127.0.0.1), as `iss` and GATEWAY_OIDC_ISSUER. */
  url: string;
  /** A token signed with the issuer's published key; claims override the defaults (sub, aud, iss, iat, exp). */
  sign(claims: JWTPayload, options?: { foreignKey?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/**
 * An OpenID Connect issuer on 127.0.0.1: a real HTTP server with the discovery document and a
 * JWKS of one ES256 key, and tokens signed with jose. `foreignKey` signs with a key it does not
 * publish (under the same kid), which no verifier may accept.
 */
export async function startTestIssuer(audience: string): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const foreign = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'ES256', use: 'sig' };
  let url = '';
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer: url, jwks_uri: `${url}/jwks.json`, id_token_signing_alg_values_supported: ['ES256'] }));
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
  return {
    url,
    sign: (claims, options = {}) =>
      new SignJWT({ iss: url, aud: audience, sub: 'person@example.com', iat: now(), exp: now() + 600, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'test-key-1', typ: 'JWT' })
        .sign(options.foreignKey ? foreign.privateKey : privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
