import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { type JWTPayload } from 'jose';
import { type IssuerExtension } from './oidc-issuer.js';

export interface SignInEndpoints extends IssuerExtension {
  /** Every token request the issuer answered (to check the client sent a PKCE verifier). */
  readonly exchanges: { clientId: string; verified: boolean }[];
}

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return new URLSearchParams(text);
}

/**
 * The authorization code flow with PKCE (RFC 6749 4.1, RFC 7636 S256) for one public client:
 * `/authorize` signs the configured person in at once (a real issuer shows its sign-in page)
 * and sends the browser back with a one-time code; `/token` gives the access token (a JWT
 * with `claims`) only for the code with the verifier that matches its challenge.
 */
export function signInEndpoints(clientId: string, claims: JWTPayload): SignInEndpoints {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const exchanges: { clientId: string; verified: boolean }[] = [];
  return {
    exchanges,
    discovery: (url) => ({ authorization_endpoint: `${url}/authorize`, token_endpoint: `${url}/token`, code_challenge_methods_supported: ['S256'] }),
    handle(req, res, issuer) {
      const url = new URL(req.url ?? '/', issuer.url);
      if (url.pathname === '/authorize' && req.method === 'GET') {
        const q = url.searchParams;
        if (q.get('client_id') !== clientId || q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
          res.statusCode = 400;
          res.end('invalid_request');
          return true;
        }
        const code = randomBytes(16).toString('hex');
        codes.set(code, { challenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri')! });
        const back = new URL(q.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', q.get('state') ?? '');
        res.statusCode = 302;
        res.setHeader('location', back.toString());
        res.end();
        return true;
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        res.setHeader('access-control-allow-origin', '*');
        res.setHeader('content-type', 'application/json');
        void formOf(req).then(async (form) => {
          const code = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          const verified = Boolean(code) && createHash('sha256').update(verifier).digest('base64url') === code!.challenge;
          exchanges.push({ clientId: form.get('client_id') ?? '', verified });
          if (!code || !verified || form.get('redirect_uri') !== code.redirectUri || form.get('client_id') !== clientId) {
            res.statusCode = 400;
            res.end(JSON.stringify({ error: 'invalid_grant' }));
            return;
          }
          res.end(JSON.stringify({ access_token: await issuer.sign(claims), token_type: 'Bearer', expires_in: 600 }));
        });
        return true;
      }
      return false;
    },
  };
}
