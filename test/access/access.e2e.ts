import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { type ApiAnswer, type Harness, startHarness } from '../support/harness.js';
import { startTestIssuer, type TestIssuer } from '../support/oidc-issuer.js';

const AUDIENCE = 'peering-gateway';
const TEAM_SCOPES = ['peerings:read', 'peerings:write', 'webhooks:read', 'webhooks:write', 'audit:read', 'clusters:read', 'api-keys:write'];

type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiAnswer>;

function expectProblem(res: ApiAnswer, status: number): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status } });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
}

describe('teams, credentials and the audit trail', () => {
  let h: Harness;
  let issuer: TestIssuer;
  /** Every plain key made during the suite: none may be found in Redis. */
  const plainKeys: string[] = [];

  const as =
    (token: string): Call =>
    (method, path, body, headers = {}) =>
      h.api(method, path, body, { authorization: `Bearer ${token}`, ...headers });

  async function makeKey(team: string, scopes: string[], extra: Record<string, unknown> = {}): Promise<{ id: string; key: string; call: Call }> {
    const res = await h.api('POST', '/v1/api-keys', { name: `${team}-key`, team, scopes, ...extra });
    expect(res.status).toBe(201);
    plainKeys.push(res.body.key);
    return { id: res.body.id, key: res.body.key, call: as(res.body.key) };
  }

  let teamA: { id: string; key: string; call: Call };
  let teamB: { id: string; key: string; call: Call };
  let peering: { id: string; operationId: string };
  let webhookId: string;

  beforeAll(async () => {
    issuer = await startTestIssuer(AUDIENCE);
    h = await startHarness({
      env: { GATEWAY_OIDC_ISSUER: issuer.url, GATEWAY_OIDC_AUDIENCE: AUDIENCE, GATEWAY_RATE_LIMIT_WRITES: '20', GATEWAY_RECONCILE_INTERVAL_MS: '0' },
    });
    teamA = await makeKey('team-a', TEAM_SCOPES);
    teamB = await makeKey('team-b', TEAM_SCOPES);
    const created = await teamA.call(
      'POST',
      '/v1/peerings',
      { name: 'a-peer', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } },
      { 'x-request-id': 'req-a-create' },
    );
    expect(created.status).toBe(202);
    peering = created.body;
    const hook = await teamA.call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook' });
    expect(hook.status).toBe(201);
    webhookId = hook.body.id;
  });
  afterAll(async () => {
    await h?.close();
    await issuer?.close();
  });

  describe('API keys', () => {
    it('shows the key once, prefixed gwk_, and never again', async () => {
      const made = await h.api('POST', '/v1/api-keys', { name: 'once', team: 'team-a', scopes: ['peerings:read'] });
      expect(made.status).toBe(201);
      plainKeys.push(made.body.key);
      expect(made.body).toMatchObject({ name: 'once', team: 'team-a', scopes: ['peerings:read'], expiresAt: null, revokedAt: null });
      expect(made.body.key).toMatch(/^gwk_[A-Za-z0-9_-]{43}$/);
      const read = await h.api('GET', `/v1/api-keys/${made.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body.key).toBeUndefined();
      expect(JSON.stringify(read.body)).not.toContain(made.body.key);
    });

    it("lists a team's own keys to the team, every key to the admin", async () => {
      const mine = await teamA.call('GET', '/v1/api-keys?limit=500');
      expect(mine.status).toBe(200);
      expect(mine.body.items.length).toBeGreaterThan(0);
      expect(mine.body.items.every((k: { team: string }) => k.team === 'team-a')).toBe(true);
      const all = await h.api('GET', '/v1/api-keys?limit=500');
      expect(all.body.items.map((k: { team: string }) => k.team)).toEqual(expect.arrayContaining(['team-a', 'team-b']));
      expect((await teamB.call('GET', `/v1/api-keys/${teamA.id}`)).status).toBe(404);
    });

    it('lets a team make keys only for itself, and only with scopes it has', async () => {
      expectProblem(await teamA.call('POST', '/v1/api-keys', { name: 'x', team: 'team-b', scopes: ['peerings:read'] }), 403);
      const escalate = await teamA.call('POST', '/v1/api-keys', { name: 'x', team: 'team-a', scopes: ['admin'] });
      expectProblem(escalate, 403);
      expect(escalate.body.detail).toContain('admin');
    });

    it('refuses a revoked key at once (401) and an expired one', async () => {
      const key = await makeKey('team-a', ['peerings:read']);
      expect((await key.call('GET', '/v1/peerings')).status).toBe(200);
      expect((await h.api('DELETE', `/v1/api-keys/${key.id}`)).status).toBe(204);
      const refused = await key.call('GET', '/v1/peerings');
      expectProblem(refused, 401);
      expect(refused.headers['www-authenticate']).toBe('Bearer');
      expect((await h.api('GET', `/v1/api-keys/${key.id}`)).body.revokedAt).toEqual(expect.any(String));

      const short = await makeKey('team-a', ['peerings:read'], { expiresAt: new Date(Date.now() + 1500).toISOString() });
      expect((await short.call('GET', '/v1/peerings')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1700));
      expectProblem(await short.call('GET', '/v1/peerings'), 401);
      expectProblem(await as('gwk_not-a-key-at-all')('GET', '/v1/peerings'), 401);
    });

    it('keeps lastUsedAt', async () => {
      const read = await h.api('GET', `/v1/api-keys/${teamA.id}`);
      expect(read.body.lastUsedAt).toEqual(expect.any(String));
    });
  });

  describe('teams', () => {
    it('puts the peering in the caller team; the admin sees it, with team and the owner alias', async () => {
      expect(peering).toMatchObject({ team: 'team-a', owner: 'team-a' });
      expect((await h.api('GET', `/v1/peerings/${peering.id}`)).body.team).toBe('team-a');
      const admins = await h.api('POST', '/v1/peerings', { name: 'admin-default', local: { cluster: 'consul-dc1' }, remote: { external: {} } });
      expect(admins.status).toBe(202);
      expect(admins.body.team).toBe('default');
      await h.api('DELETE', `/v1/peerings/${admins.body.id}`);
    });

    it("keeps another team's peering, operations and events out of sight (404, lists too)", async () => {
      await h.waitForState(peering.id, 'ACTIVE');
      expect((await teamA.call('GET', `/v1/peerings/${peering.id}`)).status).toBe(200);
      expect((await teamA.call('GET', `/v1/operations/${peering.operationId}`)).status).toBe(200);
      expect((await teamA.call('GET', `/v1/peerings/${peering.id}/events`)).status).toBe(200);
      expect((await teamA.call('GET', '/v1/peerings')).body.items.map((p: { id: string }) => p.id)).toContain(peering.id);

      expectProblem(await teamB.call('GET', `/v1/peerings/${peering.id}`, undefined, { 'x-request-id': 'req-b-peek' }), 404);
      expectProblem(await teamB.call('GET', `/v1/operations/${peering.operationId}`), 404);
      expectProblem(await teamB.call('GET', `/v1/peerings/${peering.id}/events`), 404);
      expectProblem(await teamB.call('PATCH', `/v1/peerings/${peering.id}`, { labels: { x: 'y' } }), 404);
      expectProblem(await teamB.call('POST', `/v1/peerings/${peering.id}/sync`), 404);
      expectProblem(await teamB.call('POST', `/v1/peerings/${peering.id}/retry`), 404);
      expectProblem(await teamB.call('DELETE', `/v1/peerings/${peering.id}`), 404);
      const list = await teamB.call('GET', '/v1/peerings?limit=500');
      expect(list.status).toBe(200);
      expect(list.body.items.map((p: { id: string }) => p.id)).not.toContain(peering.id);
      expect(list.body.items.every((p: { team: string }) => p.team === 'team-b')).toBe(true);
      expect((await h.api('GET', `/v1/peerings/${peering.id}`)).body.state).toBe('ACTIVE');
    });

    it("keeps another team's webhooks out of sight", async () => {
      expect((await teamA.call('GET', `/v1/webhooks/${webhookId}`)).body.team).toBe('team-a');
      for (const [method, path, body] of [
        ['GET', `/v1/webhooks/${webhookId}`],
        ['PATCH', `/v1/webhooks/${webhookId}`, { description: 'mine now' }],
        ['POST', `/v1/webhooks/${webhookId}/rotate-secret`],
        ['GET', `/v1/webhooks/${webhookId}/deliveries`],
        ['DELETE', `/v1/webhooks/${webhookId}`],
      ] as [string, string, unknown?][]) {
        expectProblem(await teamB.call(method, path, body), 404);
      }
      const list = await teamB.call('GET', '/v1/webhooks');
      expect(list.body.items.map((w: { id: string }) => w.id)).not.toContain(webhookId);
      expect((await teamA.call('GET', '/v1/webhooks')).body.items.map((w: { id: string }) => w.id)).toContain(webhookId);
    });

    it('refuses a team acting for another team (403); an admin may', async () => {
      const other = await teamB.call('POST', '/v1/peerings', {
        name: 'b-for-a',
        team: 'team-a',
        local: { cluster: 'consul-dc1' },
        remote: { cluster: 'consul-dc2' },
      });
      expectProblem(other, 403);
      expectProblem(await teamB.call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/x', team: 'team-a' }), 403);
      const byAdmin = await h.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/y', team: 'team-b' });
      expect(byAdmin.status).toBe(201);
      expect(byAdmin.body.team).toBe('team-b');
      expect((await teamB.call('GET', `/v1/webhooks/${byAdmin.body.id}`)).status).toBe(200);
    });

    it("names the change's actor in events and on the operation", async () => {
      const op = await teamA.call('GET', `/v1/operations/${peering.operationId}`);
      expect(op.body).toMatchObject({ team: 'team-a', requestId: 'req-a-create', startedBy: { type: 'api-key', id: teamA.id, team: 'team-a' } });
      const events = await teamA.call('GET', `/v1/peerings/${peering.id}/events`);
      expect(events.body.items.length).toBeGreaterThan(0);
      for (const event of events.body.items) expect(event.data.actor).toEqual({ type: 'api-key', id: teamA.id, team: 'team-a' });
      expect(JSON.stringify(events.body)).not.toContain(teamA.key);
    });

    it('holds allowedTeams on clusters (403)', async () => {
      const locked = await h.api('POST', '/v1/clusters', {
        id: 'consul-locked',
        product: 'consul',
        endpoint: 'http://127.0.0.1:9',
        auth: {},
        allowedTeams: ['team-b'],
      });
      expect(locked.status).toBe(201);
      expect(locked.body.allowedTeams).toEqual(['team-b']);
      const refused = await teamA.call('POST', '/v1/peerings', { name: 'locked-out', local: { cluster: 'consul-locked' }, remote: { cluster: 'consul-dc2' } });
      expectProblem(refused, 403);
      expect(refused.body.detail).toContain('consul-locked');
      expect((await h.api('DELETE', '/v1/clusters/consul-locked')).status).toBe(204);
    });
  });

  describe('scopes', () => {
    it('lets a read-only key read, and answers 403 naming the scope it lacks on a write', async () => {
      const reader = await makeKey('team-a', ['peerings:read']);
      expect((await reader.call('GET', `/v1/peerings/${peering.id}`)).status).toBe(200);
      const write = await reader.call('POST', '/v1/peerings', { name: 'nope', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
      expectProblem(write, 403);
      expect(write.body.detail).toContain("'peerings:write'");
      const del = await reader.call('DELETE', `/v1/peerings/${peering.id}`, undefined, { 'x-request-id': 'req-reader-delete' });
      expectProblem(del, 403);
      expectProblem(await reader.call('GET', '/v1/webhooks'), 403);
      expect((await reader.call('GET', '/v1/webhooks')).body.detail).toContain("'webhooks:read'");
      expectProblem(await reader.call('GET', '/v1/audit'), 403);
    });
  });

  describe('OpenID Connect', () => {
    const peerings = (token: string) => as(token)('GET', '/v1/peerings?limit=500');

    it("accepts a token of the issuer: its team's resources and scopes", async () => {
      const token = await issuer.sign({ team: 'team-a', scope: 'peerings:read audit:read' });
      const res = await peerings(token);
      expect(res.status).toBe(200);
      expect(res.body.items.map((p: { id: string }) => p.id)).toContain(peering.id);
      const scp = await issuer.sign({ team: 'team-b', scp: ['peerings:read'] });
      const other = await peerings(scp);
      expect(other.status).toBe(200);
      expect(other.body.items.map((p: { id: string }) => p.id)).not.toContain(peering.id);
      const write = await as(token)('POST', '/v1/peerings', { name: 'oidc-w', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
      expectProblem(write, 403);
    });

    it('refuses a wrong audience, a wrong issuer, an expired or not-yet-valid token, a foreign signature, no team', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { team: 'team-a', scope: 'peerings:read' };
      for (const token of [
        await issuer.sign({ ...claims, aud: 'someone-else' }),
        await issuer.sign({ ...claims, iss: 'http://127.0.0.1:1' }),
        await issuer.sign({ ...claims, iat: now - 7200, exp: now - 3600 }),
        await issuer.sign({ ...claims, nbf: now + 3600 }),
        await issuer.sign(claims, { foreignKey: true }),
        await issuer.sign({ scope: 'peerings:read' }),
      ]) {
        expectProblem(await peerings(token), 401);
      }
    });
  });

  describe('audit log', () => {
    it('records allowed and denied calls with their request ids; a team sees its own entries', async () => {
      const all = await h.api('GET', '/v1/audit?limit=500');
      expect(all.status).toBe(200);
      const entries = all.body.items as any[];
      expect(entries.find((e) => e.requestId === 'req-a-create')).toMatchObject({
        actor: { type: 'api-key', id: teamA.id, team: 'team-a' },
        action: 'peering.create',
        target: { type: 'peering', id: peering.id },
        outcome: 'allowed',
        status: 202,
      });
      expect(entries.find((e) => e.requestId === 'req-b-peek')).toMatchObject({
        actor: { type: 'api-key', id: teamB.id, team: 'team-b' },
        action: 'peering.read',
        target: { type: 'peering', id: peering.id },
        outcome: 'denied',
        status: 404,
      });
      expect(entries.find((e) => e.requestId === 'req-reader-delete')).toMatchObject({ action: 'peering.delete', outcome: 'denied', status: 403 });
      expect(entries.some((e) => e.status === 401 && e.outcome === 'denied')).toBe(true);
      // Newest first.
      expect(entries.map((e) => e.id)).toEqual([...entries.map((e) => e.id)].sort().reverse());

      const mine = (await teamA.call('GET', '/v1/audit?limit=500')).body.items as any[];
      expect(mine.some((e) => e.requestId === 'req-a-create')).toBe(true);
      expect(mine.some((e) => e.requestId === 'req-b-peek')).toBe(false);
      const filtered = await h.api('GET', `/v1/audit?action=peering.create&actor=${teamA.id}&target=${peering.id}`);
      expect(filtered.body.items.map((e: { requestId: string }) => e.requestId)).toEqual(['req-a-create']);
      const since = await h.api('GET', `/v1/audit?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
      expect(since.body.items).toEqual([]);
      const page = await h.api('GET', '/v1/audit?limit=2');
      expect(page.body.items).toHaveLength(2);
      const next = await h.api('GET', `/v1/audit?limit=2&cursor=${page.body.nextCursor}`);
      expect(next.body.items[0].id < page.body.items[1].id).toBe(true);
    });
  });

  describe('rate limit', () => {
    it("answers 429 with Retry-After to one key while another key's writes pass", async () => {
      const busy = await makeKey('team-c', ['peerings:write']);
      const calm = await makeKey('team-d', ['peerings:write']);
      for (let i = 0; i < 20; i++) expect((await busy.call('POST', '/v1/peerings', {})).status).toBe(400);
      const limited = await busy.call('POST', '/v1/peerings', {}, { 'x-request-id': 'req-limited' });
      expectProblem(limited, 429);
      expect(limited.body.code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await calm.call('POST', '/v1/peerings', {})).status).toBe(400);
      const entry = (await h.api('GET', '/v1/audit?limit=500')).body.items.find((e: { requestId: string }) => e.requestId === 'req-limited');
      expect(entry).toMatchObject({ outcome: 'denied', status: 429, actor: { id: busy.id, team: 'team-c' } });
    });
  });

  it('keeps no plain key anywhere in Redis', async () => {
    const redis = new Redis(h.config.redisUrl!);
    try {
      let cursor = '0';
      const keys: string[] = [];
      do {
        const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      const mine = keys.filter((k) => k.includes(h.config.redisPrefix));
      expect(mine.length).toBeGreaterThan(0);
      let text = mine.join('\n');
      for (const key of mine) {
        const type = await redis.type(key);
        if (type === 'string') text += await redis.get(key);
        else if (type === 'hash') text += JSON.stringify(await redis.hgetall(key));
        else if (type === 'list') text += JSON.stringify(await redis.lrange(key, 0, -1));
        else if (type === 'set') text += JSON.stringify(await redis.smembers(key));
        else if (type === 'zset') text += JSON.stringify(await redis.zrange(key, 0, -1));
        else if (type === 'stream') text += JSON.stringify(await redis.xrange(key, '-', '+'));
      }
      expect(plainKeys.length).toBeGreaterThan(5);
      for (const plain of plainKeys) expect(text).not.toContain(plain);
      expect(text).not.toContain('gwk_');
    } finally {
      redis.disconnect();
    }
  });

  it('documents both security schemes and the scope of each route', async () => {
    const doc = (await (await fetch(`${h.url}/openapi.json`)).json()) as any;
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.oidc).toMatchObject({ type: 'openIdConnect', openIdConnectUrl: `${issuer.url}/.well-known/openid-configuration` });
    const create = doc.paths['/v1/peerings'].post;
    expect(create['x-scopes']).toEqual(['peerings:write']);
    expect(create.security).toEqual([{ bearer: [] }, { oidc: ['peerings:write'] }]);
    expect(doc.paths['/v1/audit'].get['x-scopes']).toEqual(['audit:read']);
  });
});
