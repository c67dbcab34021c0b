/*
 * The signed-in credential: an API key typed by the person, or the access token the OIDC issuer
 * gave. It lives in memory and in this tab's sessionStorage only: the tab keeps it across a
 * reload, another tab or a new window does not have it, it is gone when the tab closes, and it
 * is never sent except as the Authorization header of the API calls. Never in a URL, a cookie
 * or localStorage (shared by every tab and kept forever). The page's CSP (no inline or foreign
 * script) is what keeps other code from reading it.
 */
const TOKEN = 'gw-console.credential';
const PENDING_SIGN_IN = 'gw-console.oidc-pending';

let credential: string | null = sessionStorage.getItem(TOKEN);

export function currentCredential(): string | null {
  return credential;
}

export function keepCredential(value: string): void {
  credential = value;
  sessionStorage.setItem(TOKEN, value);
}

export function forgetCredential(): void {
  credential = null;
  sessionStorage.removeItem(TOKEN);
}

export interface ConsoleSettings {
  oidc: { issuer: string; clientId: string } | null;
}

export async function loadSettings(): Promise<ConsoleSettings> {
  const response = await fetch(`${window.location.origin}/console/settings.json`);
  if (!response.ok) return { oidc: null };
  return (await response.json()) as ConsoleSettings;
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`the issuer's discovery document answered ${response.status}`);
  const document = (await response.json()) as Partial<Discovery>;
  if (!document.authorization_endpoint || !document.token_endpoint) throw new Error('the issuer publishes no authorization or token endpoint');
  return document as Discovery;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function randomString(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

const redirectUri = (): string => `${window.location.origin}/console`;

/** Authorization code with PKCE (RFC 7636, S256): off to the issuer's sign-in page. */
export async function startOidcSignIn(settings: NonNullable<ConsoleSettings['oidc']>): Promise<void> {
  const discovery = await discover(settings.issuer);
  const verifier = randomString();
  const state = randomString();
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PENDING_SIGN_IN, JSON.stringify({ verifier, state }));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: redirectUri(),
    scope: 'openid',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.toString());
}

/**
 * Back from the issuer with `?code=&state=`: the code is exchanged for the token (with the
 * verifier only this tab knows) and taken out of the address at once. Null when this is no
 * return from the issuer.
 */
export async function finishOidcSignIn(settings: ConsoleSettings): Promise<string | null> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return null;
  window.history.replaceState(null, '', `/console${window.location.hash}`);
  const pending = JSON.parse(sessionStorage.getItem(PENDING_SIGN_IN) ?? 'null') as { verifier: string; state: string } | null;
  sessionStorage.removeItem(PENDING_SIGN_IN);
  if (error) throw new Error(`the issuer refused the sign-in: ${params.get('error_description') ?? error}`);
  if (!settings.oidc || !pending || pending.state !== params.get('state')) throw new Error('this sign-in was not started from this tab: sign in again');
  const discovery = await discover(settings.oidc.issuer);
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: redirectUri(),
      client_id: settings.oidc.clientId,
      code_verifier: pending.verifier,
    }).toString(),
  });
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; error?: string; error_description?: string };
  if (!response.ok || !body.access_token) throw new Error(`the issuer did not give a token: ${body.error_description ?? body.error ?? response.status}`);
  return body.access_token;
}
