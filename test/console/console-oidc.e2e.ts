import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser } from 'playwright-core';
import { type Harness, startHarness } from '../support/harness.js';
import { startTestIssuer, type TestIssuer } from '../support/oidc-issuer.js';
import { signInEndpoints } from '../support/oidc-sign-in.js';
import { launchChromium, newContext } from '../support/console-browser.js';

/** Signing in to the console with the organisation's issuer: authorization code with PKCE. */
describe('the console with an OpenID Connect issuer', () => {
  let h: Harness;
  let issuer: TestIssuer;
  let browser: Browser;
  const endpoints = signInEndpoints('peering-console', { team: 'storage', scope: 'peerings:read clusters:read', sub: 'ada@example.com' });

  beforeAll(async () => {
    issuer = await startTestIssuer('peering-gateway', endpoints);
    h = await startHarness({ env: { GATEWAY_OIDC_ISSUER: issuer.url, GATEWAY_OIDC_AUDIENCE: 'peering-gateway', GATEWAY_OIDC_CLIENT_ID: 'peering-console' } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await issuer?.close();
  });

  it("signs a person in through the issuer, as the team of the token, with the code gone from the address and the issuer in the CSP's connect-src", async () => {
    const csp = (await fetch(`${h.url}/console`)).headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(new RegExp(`connect-src 'self' ${issuer.url.replace(/[.]/g, '\\.')}`));
    const page = await (await newContext(browser)).newPage();
    await page.goto(`${h.url}/console`);
    await page.getByRole('button', { name: /^Sign in with 127\.0\.0\.1/ }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByText('team storage · ada@example.com · read-only').waitFor();
    expect(page.url()).toBe(`${h.url}/console`);
    expect(endpoints.exchanges).toEqual([{ clientId: 'peering-console', verified: true }]);
    expect(await page.evaluate('JSON.stringify({ ...localStorage })')).toBe('{}');
    await page.getByRole('heading', { name: 'Peerings' }).waitFor();
    await page.getByText('No peering yet.').waitFor();
  });
});
