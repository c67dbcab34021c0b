import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, type Page } from 'playwright-core';
import { type Harness, startHarness } from '../support/harness.js';
import { launchChromium, newContext, screenshot, seriousViolations, signIn, teamKey, WRITER_SCOPES } from '../support/console-browser.js';

/**
 * The console's self-service pages against the contract's "Plan before acting (dry run)" and
 * "Approvals": plan then create, and an approver team's inbox with Approve and Reject.
 */
describe('the console: plan, create, approve and reject', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let requester: string;
  let approver: string;

  beforeAll(async () => {
    h = await startHarness();
    browser = await launchChromium();
    page = await (await newContext(browser)).newPage();
    requester = await teamKey(h, 'storage', WRITER_SCOPES);
    approver = await teamKey(h, 'net-admins', ['peerings:read', 'clusters:read', 'approvals:write']);
    // The same simulated datacenter as consul-dc2, registered once more with an approval required.
    const dc2 = h.topology.clusters.find((c) => c.id === 'consul-dc2')!;
    const gated = await h.api('POST', '/v1/clusters', { ...dc2, id: 'consul-gated', approval: { required: true, approverTeams: ['net-admins'] } });
    expect(gated.status).toBe(201);
    await signIn(page, h.url, requester);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows the plan and its checks, writing nothing, then creates the peering and follows it to ACTIVE', async () => {
    await page.getByRole('link', { name: 'Request', exact: true }).click();
    await page.getByLabel('Name').fill('planned');
    await page.getByLabel('Local cluster').selectOption('ontap-east');
    await page.getByLabel('Remote cluster').selectOption('ontap-west');
    await page.getByRole('button', { name: 'Plan' }).click();
    const plan = page.getByRole('region', { name: /^Plan:/ });
    await plan.getByRole('heading', { name: 'Plan: ready to create' }).waitFor({ timeout: 20_000 });
    await plan.getByRole('cell', { name: 'credentials', exact: true }).first().waitFor();
    await plan.getByRole('cell', { name: 'intercluster-lifs', exact: true }).first().waitFor();
    expect((await h.api('GET', '/v1/peerings')).body.items).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'plan');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'planned' }).waitFor();
    await page.locator('header .state', { hasText: 'ACTIVE' }).waitFor({ timeout: 20_000 });
    await page.getByRole('cell', { name: 'Ready', exact: true }).waitFor();
  });

  it('lets the approver team approve one request and reject another with a reason, from its inbox', async () => {
    const ask = (name: string) =>
      h.api('POST', '/v1/peerings', { name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-gated' } }, { authorization: `Bearer ${requester}` });
    const first = await ask('needs-approval');
    const second = await ask('to-be-rejected');
    await h.waitForState(first.body.id, 'AWAITING_APPROVAL');
    await h.waitForState(second.body.id, 'AWAITING_APPROVAL');

    // The requesting team sees its request waiting, with no way to decide it.
    await page.goto(`${h.url}/console#/peerings/${first.body.id}`);
    await page.locator('header .state', { hasText: 'AWAITING_APPROVAL' }).waitFor();
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    const tab = await page.context().newPage();
    await signIn(tab, h.url, approver);
    await tab.getByRole('link', { name: 'Approvals' }).click();
    const card = (name: string) => tab.getByRole('listitem').filter({ has: tab.getByRole('heading', { name }) });
    await card('needs-approval').waitFor();
    await card('to-be-rejected').waitFor();
    expect(await seriousViolations(tab)).toEqual([]);
    await screenshot(tab, 'approvals');

    await card('needs-approval').getByRole('button', { name: 'Approve' }).click();
    await card('needs-approval').waitFor({ state: 'detached', timeout: 15_000 });
    await h.waitForState(first.body.id, 'ACTIVE', 20_000);

    const rejecting = card('to-be-rejected');
    await rejecting.getByRole('button', { name: 'Reject' }).click();
    await rejecting.getByRole('alert').filter({ hasText: 'needs a reason' }).waitFor();
    await rejecting.getByLabel('Reason').fill('<b>not this quarter</b>');
    await rejecting.getByRole('button', { name: 'Reject' }).click();
    await tab.getByText("Nothing awaits your team's approval.").waitFor({ timeout: 15_000 });
    const rejected = await h.waitForState(second.body.id, 'FAILED');
    expect(rejected.lastError.code).toBe('approval_rejected');
    await tab.close();

    // The requester's page followed the approval live, without a reload.
    await page.locator('header .state', { hasText: 'ACTIVE' }).waitFor({ timeout: 20_000 });
  });
});
