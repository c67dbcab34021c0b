import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import axe from 'axe-core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from '@jest/globals';
import { type Harness } from './harness.js';

/** Debian's Chromium (installed by .ci/run), driven by Playwright: no browser of Playwright's own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** A small window, so that the screenshots stay small. */
export function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1100, height: 760 }, reducedMotion: 'reduce' });
}

/** A team's API key, made with the admin token (the key is in the answer once). */
export async function teamKey(h: Harness, team: string, scopes: string[]): Promise<string> {
  const made = await h.api('POST', '/v1/api-keys', { name: `${team}-console`, team, scopes });
  expect(made.status).toBe(201);
  return made.body.key as string;
}

export const WRITER_SCOPES = ['peerings:read', 'peerings:write', 'clusters:read', 'audit:read', 'api-keys:write'];

/** Signs in on the console's own page, as a person would. */
export async function signIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(`${url}/console`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/**
 * axe-core's serious and critical violations on the page as it stands. The script is evaluated
 * through the DevTools protocol, which the page's CSP does not govern (an injected <script>
 * would be refused, as it should).
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
  // Run in the page (as text: this file is compiled without the DOM's types).
  const results = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(tags)} } })`)) as axe.AxeResults;
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/**
 * A screenshot of the page for docs/ when CONSOLE_SCREENSHOTS=docs (the README shows them);
 * otherwise under dist/, so every run still takes them.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.CONSOLE_SCREENSHOTS === 'docs' ? resolve('docs') : resolve('dist', 'console-screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `console-${name}.png`), fullPage: false });
}
