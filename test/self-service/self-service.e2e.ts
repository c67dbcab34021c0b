import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { type Harness, startHarness } from '../support/harness.js';

/** Every key the harness wrote under its prefix. */
async function keys(redis: Redis, h: Harness): Promise<string[]> {
  return (await redis.keys(`${h.config.redisPrefix}*`)).sort();
}

function journals(h: Harness) {
  return [...h.topology.consul, ...h.topology.ontap].map((sim) => sim.faults.journal);
}

function callsSince(h: Harness, marks: number[]) {
  return journals(h).flatMap((j, i) => j.slice(marks[i]));
}

function marks(h: Harness): number[] {
  return journals(h).map((j) => j.length);
}

async function as(h: Harness, token: string, method: string, path: string, body?: unknown) {
  const res = await request(`${h.url}${path}`, {
    method: method as 'GET',
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function key(h: Harness, team: string, scopes: string[]): Promise<string> {
  const res = await h.api('POST', '/v1/api-keys', { name: `${team}-key`, team, scopes });
  expect(res.status).toBe(201);
  return res.body.key;
}

describe('self-service: plans, conditions, approvals', () => {
  let h: Harness;
  let redis: Redis;
  beforeAll(async () => {
    h = await startHarness({ env: { GATEWAY_CONSUL_STREAM_STALE_MS: '1000' } });
    redis = new Redis(process.env.TEST_REDIS_URL!);
    const dc2 = h.topology.consul[1];
    const west = h.topology.ontap[1];
    // The same simulated clusters, registered again: one that needs an approval, one with a wrong password.
    expect(
      (
        await h.api('POST', '/v1/clusters', {
          id: 'consul-gated',
          product: 'consul',
          endpoint: dc2.url,
          auth: { token: 'sandbox-consul-token' },
          consul: { partition: 'default' },
          approval: { required: true, approverTeams: ['mesh-admins'] },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await h.api('POST', '/v1/clusters', {
          id: 'ontap-wrong-password',
          product: 'ontap',
          endpoint: west.url,
          auth: { username: 'admin', password: 'wrong' },
          ontap: { interclusterAddresses: ['10.2.0.11'] },
        })
      ).status,
    ).toBe(201);
  });
  afterAll(async () => {
    redis.disconnect();
    await h.close();
  });

  it('plans an ONTAP create with only reads: no record in Redis, no write on a cluster, no audit entry', async () => {
    const before = await keys(redis, h);
    const mark = marks(h);
    const body = { name: 'plan-ew', local: { cluster: 'ontap-east' }, remote: { cluster: 'ontap-west' } };
    const res = await h.api('POST', '/v1/peerings?dryRun=true', body, { 'idempotency-key': 'plan-1' });
    expect(res.status).toBe(200);
    expect(res.body.ready).toBe(true);
    const names = res.body.checks.map((c: { name: string; side: string }) => `${c.side}:${c.name}`);
    for (const n of ['local:credentials', 'remote:credentials', 'local:name', 'local:intercluster-lifs', 'remote:intercluster-lifs', 'local:existing-peer'])
      expect(names).toContain(n);
    expect(res.body.steps.map((s: { action: string }) => s.action)).toEqual(['offer', 'accept', 'await-active']);
    const calls = callsSince(h, mark);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.method !== 'GET')).toEqual([]);
    expect(await keys(redis, h)).toEqual(before);
    expect((await h.api('GET', '/v1/peerings')).body.items).toEqual([]);
  });

  it('plans the parts too: a missing SVM fails and a service not in the catalog warns, each with a fix, and their steps; nothing written', async () => {
    const before = await keys(redis, h);
    const mark = marks(h);
    const ontap = await h.api('POST', '/v1/peerings?dryRun=true', {
      name: 'plan-svm',
      local: { cluster: 'ontap-east' },
      remote: { cluster: 'ontap-west' },
      ontap: { svmPeers: [{ local: 'svm1', remote: 'svm-missing' }] },
    });
    expect(ontap.status).toBe(200);
    expect(ontap.body.ready).toBe(false);
    const svms = ontap.body.checks.filter((c: { name: string }) => c.name === 'svms');
    expect(svms.find((c: { side: string }) => c.side === 'local')).toMatchObject({ status: 'pass' });
    const missing = svms.find((c: { side: string }) => c.side === 'remote');
    expect(missing).toMatchObject({ status: 'fail' });
    expect(missing.message).toMatch(/svm-missing/);
    expect(missing.fix).toMatch(/create the SVM svm-missing on ontap-west/);
    expect(ontap.body.steps.map((s: { action: string }) => s.action)).toEqual(['offer', 'accept', 'create-svm-peer', 'accept-svm-peer', 'await-active']);

    const consul = await h.api('POST', '/v1/peerings?dryRun=true', {
      name: 'plan-exports',
      local: { cluster: 'consul-dc1' },
      remote: { cluster: 'consul-dc2' },
      consul: { exports: { local: ['web', 'not-registered'], remote: [] } },
    });
    expect(consul.status).toBe(200);
    const services = consul.body.checks.filter((c: { name: string }) => c.name === 'services');
    expect(services.find((c: { message: string }) => /service web /.test(c.message))).toMatchObject({ status: 'pass' });
    const absent = services.find((c: { message: string }) => /not-registered/.test(c.message));
    expect(absent).toMatchObject({ status: 'warn', side: 'local' });
    expect(absent.fix).toMatch(/register not-registered on consul-dc1/);
    expect(consul.body.steps.map((s: { action: string }) => s.action)).toEqual(['offer', 'accept', 'export-services', 'await-active']);

    expect(callsSince(h, mark).filter((c) => c.method !== 'GET')).toEqual([]);
    expect(await keys(redis, h)).toEqual(before);
    expect((await h.api('GET', '/v1/audit')).body.items.filter((e: { action?: string }) => /peering/.test(e.action ?? ''))).toEqual([]);
  });

  it('finds bad credentials, a missing intercluster LIF and peering switched off, each with a fix', async () => {
    const bad = await h.api('POST', '/v1/peerings?dryRun=true', { name: 'bad', local: { cluster: 'ontap-east' }, remote: { cluster: 'ontap-wrong-password' } });
    expect(bad.status).toBe(200);
    expect(bad.body.ready).toBe(false);
    const creds = bad.body.checks.find((c: { name: string; side: string }) => c.name === 'credentials' && c.side === 'remote');
    expect(creds).toMatchObject({ status: 'fail' });
    expect(creds.fix).toMatch(/credentials/);

    const lifs = await h.api('POST', '/v1/peerings?dryRun=true', {
      name: 'nolif',
      local: { cluster: 'ontap-east' },
      remote: { cluster: 'ontap-west' },
      ontap: { ipspace: 'Cluster' },
    });
    expect(lifs.status).toBe(200);
    const lif = lifs.body.checks.find((c: { name: string; status: string }) => c.name === 'intercluster-lifs' && c.status === 'fail');
    expect(lif?.message).toMatch(/no intercluster LIF in IPspace Cluster on ontap-/);
    expect(lif?.fix).toMatch(/create an intercluster LIF on each node/);
    expect(lifs.body.ready).toBe(false);

    const dc2 = h.topology.consul[1];
    dc2.settings.peeringEnabled = false;
    try {
      const off = await h.api('POST', '/v1/peerings?dryRun=true', { name: 'off', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
      expect(off.body.ready).toBe(false);
      const check = off.body.checks.find((c: { name: string; side: string }) => c.name === 'peering-enabled' && c.side === 'remote');
      expect(check).toMatchObject({ status: 'fail' });
      expect(check.fix).toMatch(/enabled = true/);
      expect(off.body.checks.find((c: { name: string }) => c.name === 'server-external-addresses')).toMatchObject({ status: 'warn' });
    } finally {
      dc2.settings.peeringEnabled = true;
    }
  });

  it('validates a dry run as the real call does, and refuses a dryRun that is not true or false', async () => {
    const res = await h.api('POST', '/v1/peerings?dryRun=true', { name: 'x', local: { cluster: 'nowhere' }, remote: { cluster: 'ontap-west' } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'local.cluster' })]));
    const odd = await h.api('POST', '/v1/peerings?dryRun=yes', { name: 'x', local: { cluster: 'ontap-east' }, remote: { cluster: 'ontap-west' } });
    expect(odd.status).toBe(400);
    expect(odd.body.errors[0].field).toBe('dryRun');
  });

  it('plans a delete and a change of a live peering without touching it, then a sync of a quiet stream reads DEGRADED at once', async () => {
    const created = await h.api('POST', '/v1/peerings', { name: 'quiet', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
    const active = await h.waitForState(created.body.id, 'ACTIVE');
    expect(active.conditions.find((c: { type: string }) => c.type === 'Ready')).toMatchObject({ status: 'True' });
    expect(active.conditions.find((c: { type: string }) => c.type === 'Healthy')).toMatchObject({ status: 'True' });

    await h.waitForOperation(active.operationId);
    await new Promise((r) => setTimeout(r, 100));
    const before = await keys(redis, h);
    const mark = marks(h);
    const del = await h.api('DELETE', `/v1/peerings/${created.body.id}?dryRun=true`);
    expect(del.status).toBe(200);
    expect(del.body.steps.map((s: { action: string }) => s.action)).toEqual(['remove', 'remove', 'await-removed']);
    const patch = await h.api('PATCH', `/v1/peerings/${created.body.id}?dryRun=true`, { consul: { rotateToken: true } });
    expect([200, 400]).toContain(patch.status);
    expect(callsSince(h, mark).filter((c) => c.method !== 'GET')).toEqual([]);
    expect(await keys(redis, h)).toEqual(before);
    expect((await h.api('GET', `/v1/peerings/${created.body.id}`)).body.state).toBe('ACTIVE');

    h.topology.consul[0].setStreamQuiet('quiet', true, { lastHeardAgoMs: 120_000 });
    const sync = await h.api('POST', `/v1/peerings/${created.body.id}/sync`);
    expect(sync.status).toBe(202);
    const degraded = await h.waitForState(created.body.id, 'DEGRADED', 3_000);
    const healthy = degraded.conditions.find((c: { type: string }) => c.type === 'Healthy');
    expect(healthy).toMatchObject({ status: 'False', reason: 'StreamStale' });
    expect(degraded.stateReason).toMatch(/quiet/);
    const op = await h.waitForOperation(degraded.operationId);
    expect(op.steps.map((s: { name: string }) => s.name)).toEqual(['inspect']);

    h.topology.consul[0].setStreamQuiet('quiet', false);
    await h.api('POST', `/v1/peerings/${created.body.id}/sync`);
    const back = await h.waitForState(created.body.id, 'ACTIVE');
    expect(back.conditions.find((c: { type: string }) => c.type === 'Healthy')).toMatchObject({ status: 'True' });
    await h.api('DELETE', `/v1/peerings/${created.body.id}`);
    await h.waitForState(created.body.id, 'DELETED');
  });

  it('holds a request on an approval-required cluster: nothing sent, approvers see it, others may not approve, approval starts it', async () => {
    const app = await key(h, 'app', ['peerings:read', 'peerings:write', 'approvals:write']);
    const admins = await key(h, 'mesh-admins', ['peerings:read', 'peerings:write', 'approvals:write']);
    const other = await key(h, 'other', ['peerings:read', 'approvals:write']);
    const mark = marks(h);
    const created = await as(h, app, 'POST', '/v1/peerings', { name: 'gated', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-gated' } });
    expect(created.status).toBe(202);
    expect(created.body.state).toBe('AWAITING_APPROVAL');
    expect(created.body.conditions.find((c: { type: string }) => c.type === 'Approved')).toMatchObject({ status: 'False', reason: 'AwaitingApproval' });
    await new Promise((r) => setTimeout(r, 300));
    expect(callsSince(h, mark)).toEqual([]);

    expect((await as(h, admins, 'GET', '/v1/approvals')).body.items.map((i: { peeringId: string }) => i.peeringId)).toEqual([created.body.id]);
    expect((await as(h, app, 'GET', '/v1/approvals')).body.items).toEqual([]);
    expect((await as(h, other, 'GET', '/v1/approvals')).body.items).toEqual([]);
    const self = await as(h, app, 'POST', `/v1/peerings/${created.body.id}/approve`, {});
    expect(self.status).toBe(403);
    expect(self.body.detail).toMatch(/own request/);
    expect((await as(h, other, 'POST', `/v1/peerings/${created.body.id}/approve`, {})).status).toBe(403);
    const noReason = await as(h, admins, 'POST', `/v1/peerings/${created.body.id}/reject`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('reason');

    const approved = await as(h, admins, 'POST', `/v1/peerings/${created.body.id}/approve`, { comment: 'ok' });
    expect(approved.status).toBe(202);
    const active = await h.waitForState(created.body.id, 'ACTIVE');
    expect(active.conditions.find((c: { type: string }) => c.type === 'Approved')).toMatchObject({ status: 'True' });
    const again = await as(h, admins, 'POST', `/v1/peerings/${created.body.id}/approve`, {});
    expect(again.status).toBe(409);
    const audit = await h.api('GET', `/v1/audit?action=peering.approve`);
    expect(audit.body.items.find((e: { status: number }) => e.status === 202)).toMatchObject({
      actor: { type: 'api-key', team: 'mesh-admins' },
      target: { id: created.body.id },
      status: 202,
    });
    const events = await h.api('GET', `/v1/peerings/${created.body.id}/events`);
    expect(events.status).toBe(200);
    const types = (events.body.items ?? events.body).map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['peering.approval_requested', 'peering.approved']));
    await h.api('DELETE', `/v1/peerings/${created.body.id}`);
    await h.waitForState(created.body.id, 'DELETED');

    // An approver team's own request needs no approval.
    const own = await as(h, admins, 'POST', '/v1/peerings', { name: 'own', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-gated' } });
    expect(own.body.state).toBe('PENDING');
    await h.waitForState(own.body.id, 'ACTIVE');
    await h.api('DELETE', `/v1/peerings/${own.body.id}`);
    await h.waitForState(own.body.id, 'DELETED');
  });

  it('starts one operation for approvals given at the same moment; the admin lists every request; a decided request is 409', async () => {
    const app = await key(h, 'app3', ['peerings:read', 'peerings:write']);
    const admins = await key(h, 'mesh-admins', ['peerings:read', 'approvals:write']);
    const created = await as(h, app, 'POST', '/v1/peerings', { name: 'raced', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-gated' } });
    expect(created.body.state).toBe('AWAITING_APPROVAL');
    expect((await h.api('GET', '/v1/approvals')).body.items.map((i: { peeringId: string }) => i.peeringId)).toEqual([created.body.id]);

    const answers = await Promise.all([1, 2, 3].map(() => as(h, admins, 'POST', `/v1/peerings/${created.body.id}/approve`, {})));
    for (const answer of answers) expect([202, 409]).toContain(answer.status);
    expect(answers.filter((a) => a.status === 202).length).toBeGreaterThan(0);
    await h.waitForState(created.body.id, 'ACTIVE');
    const operations = await h.api('GET', `/v1/operations?peering=${created.body.id}`);
    expect(operations.status).toBe(200);
    // The operation that waited for the approval, and exactly one that did the work. The peering
    // is written ACTIVE before its operation is marked done, so each operation is awaited.
    const others = operations.body.items.filter((o: { id: string }) => o.id !== created.body.operationId);
    const finished = await Promise.all(others.map((o: { id: string }) => h.waitForOperation(o.id)));
    expect(finished.map((o: { type: string; status: string }) => `${o.type} ${o.status}`)).toEqual(['create succeeded']);

    const late = await as(h, admins, 'POST', `/v1/peerings/${created.body.id}/reject`, { reason: 'too late' });
    expect(late.status).toBe(409);
    expect(late.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(late.body.detail).toMatch(/AWAITING_APPROVAL/);
    await h.api('DELETE', `/v1/peerings/${created.body.id}`);
    await h.waitForState(created.body.id, 'DELETED');
  });

  it('rejects (a retry asks again) and deletes a request awaiting approval at once, without a cluster call', async () => {
    const app = await key(h, 'app2', ['peerings:read', 'peerings:write']);
    const admins = await key(h, 'mesh-admins', ['peerings:read', 'approvals:write']);
    const created = await as(h, app, 'POST', '/v1/peerings', { name: 'refused', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-gated' } });
    const rejected = await as(h, admins, 'POST', `/v1/peerings/${created.body.id}/reject`, { reason: 'not this quarter' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ state: 'FAILED', lastError: { code: 'approval_rejected' } });
    const retried = await as(h, app, 'POST', `/v1/peerings/${created.body.id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body.state).toBe('AWAITING_APPROVAL');
    const mark = marks(h);
    const del = await as(h, app, 'DELETE', `/v1/peerings/${created.body.id}`);
    expect(del.status).toBe(202);
    expect(del.body.state).toBe('DELETED');
    expect(callsSince(h, mark)).toEqual([]);
  });
});

describe('approval expiry', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { GATEWAY_APPROVAL_TTL: 'PT1S' } });
    const dc2 = h.topology.consul[1];
    await h.api('POST', '/v1/clusters', {
      id: 'consul-gated',
      product: 'consul',
      endpoint: dc2.url,
      auth: { token: 'sandbox-consul-token' },
      consul: { partition: 'default' },
      approval: { required: true, approverTeams: ['mesh-admins'] },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('ends a request not approved within GATEWAY_APPROVAL_TTL as FAILED approval_expired, having sent nothing', async () => {
    const mark = marks(h);
    const created = await h.api('POST', '/v1/peerings', { name: 'late', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-gated' } });
    expect(created.body.state).toBe('AWAITING_APPROVAL');
    const failed = await h.waitForState(created.body.id, 'FAILED', 5_000);
    expect(failed.lastError.code).toBe('approval_expired');
    expect(failed.conditions.find((c: { type: string }) => c.type === 'Approved')).toMatchObject({ status: 'False', reason: 'Expired' });
    expect(callsSince(h, mark)).toEqual([]);
  });
});
