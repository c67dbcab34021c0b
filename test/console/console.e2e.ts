import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { consulErrorTexts } from '../../sim/consul/index.js';
import { type Harness, startHarness } from '../support/harness.js';
import { launchChromium, newContext, screenshot, seriousViolations, signIn, teamKey, WRITER_SCOPES } from '../support/console-browser.js';

/** The console at /console, driven in Debian's Chromium against a real gateway and the simulators. */
describe('the console', () => {
  let h: Harness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let storageKey: string;
  let otherKey: string;
  let readOnlyKey: string;

  beforeAll(async () => {
    h = await startHarness();
    browser = await launchChromium();
    context = await newContext(browser);
    page = await context.newPage();
    storageKey = await teamKey(h, 'storage', WRITER_SCOPES);
    otherKey = await teamKey(h, 'network', WRITER_SCOPES);
    readOnlyKey = await teamKey(h, 'storage', ['peerings:read', 'clusters:read']);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('is served at /console with a CSP that allows no inline script, and leaves /docs its own headers', async () => {
    const answer = await fetch(`${h.url}/console`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = answer.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await answer.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toContain(h.token);
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)![1];
    const script = await fetch(`${h.url}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-security-policy')).toBe(csp);
    expect((await fetch(`${h.url}/console/`)).headers.get('content-type')).toMatch(/^text\/html/);
    const missing = await fetch(`${h.url}/console/assets/missing.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const docs = await fetch(`${h.url}/docs`);
    expect(docs.headers.get('content-security-policy')).toBeNull();
  });

  it('refuses a wrong key with the gateway’s reason, then signs in a team and keeps the key out of the URL and of lasting storage', async () => {
    const violations: string[] = [];
    page.on('console', (m) => m.type() === 'error' && /Content Security Policy/i.test(m.text()) && violations.push(m.text()));
    await page.goto(`${h.url}/console`);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in');
    await page.getByLabel('API key').fill('gwk_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('this API key is not valid');

    await signIn(page, h.url, storageKey);
    await expect(page.getByText('team storage')).toBeTruthy();
    expect(page.url()).not.toContain(storageKey);
    // Evaluated in the page (as text: this file is compiled without the DOM's types).
    const kept = (await page.evaluate('({ local: JSON.stringify({ ...localStorage }), cookies: document.cookie, href: location.href })')) as {
      local: string;
      cookies: string;
      href: string;
    };
    expect(kept.local).not.toContain('gwk_');
    expect(kept.cookies).toBe('');
    expect(kept.href).not.toContain('gwk_');
    expect((await context.cookies()).length).toBe(0);
    // Another tab of the same browser is not signed in: the key is this tab's only.
    const other = await context.newPage();
    await other.goto(`${h.url}/console`);
    await other.getByLabel('API key').waitFor();
    await other.close();
    expect(violations).toEqual([]);
  });

  it("shows the team's peerings and not another team's, and a new one appears and settles without a reload", async () => {
    await page.getByRole('heading', { name: 'Peerings' }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    const ours = await h.api(
      'POST',
      '/v1/peerings',
      { name: 'ours', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } },
      { authorization: `Bearer ${storageKey}` },
    );
    const theirs = await h.api(
      'POST',
      '/v1/peerings',
      { name: 'theirs', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } },
      { authorization: `Bearer ${otherKey}` },
    );
    expect([ours.status, theirs.status]).toEqual([202, 202]);
    const row = page.locator(`tr[data-peering="${ours.body.id}"]`);
    await row.getByText('ACTIVE').waitFor({ timeout: 20_000 });
    await h.waitForState(theirs.body.id, 'ACTIVE');
    expect(await page.locator(`tr[data-peering="${theirs.body.id}"]`).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'theirs' }).count()).toBe(0);
    // Filters go to the API: an ONTAP filter leaves both Consul peerings out.
    await page.getByLabel('Product').selectOption('ontap');
    await page.getByText('No peering matches these filters').waitFor();
    await page.getByLabel('Product').selectOption('');
    await row.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'peerings');
  });

  it('creates a peering from the form and follows it to ACTIVE on its page without reloading', async () => {
    await page.getByRole('link', { name: 'Request', exact: true }).click();
    await page.getByLabel('Name').fill('east-west');
    await page.getByLabel('Local cluster').selectOption('ontap-east');
    await page.getByLabel('Remote cluster').selectOption('ontap-west');
    await page.getByLabel('Labels').fill('app=billing');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'request');
    let reloads = 0;
    page.on('framenavigated', (frame) => frame === page.mainFrame() && !page.url().includes('#') && reloads++);
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'east-west' }).waitFor();
    await page.locator('header .state', { hasText: 'ACTIVE' }).waitFor({ timeout: 20_000 });
    await page.getByText('app=billing').waitFor();
    expect(reloads).toBe(0);
    const id = decodeURIComponent(page.url().split('#/peerings/')[1]);
    expect((await h.api('GET', `/v1/peerings/${id}`)).body).toMatchObject({ name: 'east-west', state: 'ACTIVE', labels: { app: 'billing' } });
    await page.getByText('succeeded').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'peering');
  });

  it('shows what callers wrote as text, never as markup', async () => {
    await page.goto(`${h.url}/console#/keys`);
    const markup = '<img src=x onerror="window.__injected=1">bold</b>';
    await page.getByLabel('Key name').fill(markup);
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('status').filter({ hasText: 'shown this once' }).waitFor();
    await page.getByRole('cell', { name: markup, exact: true }).waitFor();
    // A label holding markup: the API refuses it by the label rule, and the page shows its problem as text.
    await page.goto(`${h.url}/console#/request`);
    await page.getByLabel('Name').fill('markup');
    await page.getByLabel('Local cluster').selectOption('consul-dc1');
    await page.getByLabel('Remote cluster').selectOption('consul-dc2');
    await page.getByLabel('Labels').fill(`note=${markup}`);
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('alert').filter({ hasText: 'labels' }).waitFor();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate('window.__injected')).toBeUndefined();
  });

  it('retries a FAILED peering from its page', async () => {
    const [dc1] = h.topology.consul;
    dc1.faults.failNext(1, 403, consulErrorTexts.anonymousDenied('peering:write'), undefined, { method: 'POST', pathPrefix: '/v1/peering/token' });
    const created = await h.api(
      'POST',
      '/v1/peerings',
      { name: 'to-retry', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } },
      { authorization: `Bearer ${storageKey}` },
    );
    await page.goto(`${h.url}/console#/peerings/${created.body.id}`);
    await page.locator('header .state', { hasText: 'FAILED' }).waitFor({ timeout: 20_000 });
    await page.getByRole('alert').first().waitFor();
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.locator('header .state', { hasText: 'ACTIVE' }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'Retry' }).isDisabled()).toBe(true);
    expect((await h.api('GET', `/v1/peerings/${created.body.id}`)).body.state).toBe('ACTIVE');
  });

  it('deletes a peering after a confirmation and follows it to DELETED', async () => {
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await page.locator('header .state', { hasText: 'DELETED' }).waitFor({ timeout: 20_000 });
    const id = decodeURIComponent(page.url().split('#/peerings/')[1]);
    expect((await h.api('GET', `/v1/peerings/${id}`)).body.state).toBe('DELETED');
  });

  it('gives a read-only key no way to write, and the API refuses it anyway', async () => {
    const tab = await context.newPage();
    await signIn(tab, h.url, readOnlyKey);
    await tab.getByText('read-only').waitFor();
    expect(await tab.getByRole('link', { name: 'Request' }).count()).toBe(0);
    await tab.getByRole('link', { name: 'ours' }).click();
    await tab.getByRole('heading', { name: 'ours' }).waitFor();
    for (const name of ['Retry', 'Sync', 'Delete']) expect(await tab.getByRole('button', { name, exact: true }).count()).toBe(0);
    const refused = await tab.evaluate(`fetch('/v1/peerings', {
      method: 'POST',
      headers: { authorization: 'Bearer ' + sessionStorage.getItem('gw-console.credential'), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'nope', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } }),
    }).then((answer) => answer.status)`);
    expect(refused).toBe(403);
    await tab.close();
  });

  it('shows clusters with their posture, the API keys and the audit log, each without serious accessibility faults', async () => {
    await page.goto(`${h.url}/console#/clusters`);
    await page.getByRole('heading', { name: 'ontap-east' }).waitFor();
    await page.getByText('Reading the posture…').first().waitFor({ state: 'detached', timeout: 15_000 });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'clusters');
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('button', { name: 'Create key' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'peering.create' }).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'audit');
  });
});
