import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { RedisService } from '../../src/redis/redis.service.js';
import { TeamIndexMigration } from '../../src/peerings/team-index-migration.service.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * A peering written before teams (no `team` in its record, in no team's index) is made the way
 * an older gateway left it, then a new gateway starts on the same Redis: the `default` team
 * sees it in its list, the start logs the migration once, and running it again changes nothing.
 */
describe('peerings from before teams', () => {
  const env = { GATEWAY_REDIS_PREFIX: `t${randomBytes(6).toString('hex')}`, GATEWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
  let h: Harness | undefined;
  afterAll(async () => {
    await h?.close();
  });

  it('are put in the default team index at start, once, idempotently, with a log line', async () => {
    const older = await startHarness({ env });
    const created = await older.api('POST', '/v1/peerings', { name: 'pre-team', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    await older.waitForState(id, 'ACTIVE');
    const redis = older.gateway.app.get(RedisService);
    const record = JSON.parse((await redis.client.hget(redis.key('peering', id), 'json'))!);
    delete record.team;
    delete record.owner;
    await redis.client.hset(redis.key('peering', id), 'json', JSON.stringify(record));
    await redis.client.zrem(redis.key('peerings', 'team', 'default'), id);
    await redis.client.del(redis.key('migration', 'peerings-team-index'));
    await older.close();

    h = await startHarness({ env });
    const key = await h.api('POST', '/v1/api-keys', { name: 'default-reader', team: 'default', scopes: ['peerings:read'] });
    expect(key.status).toBe(201);
    const list = await h.api('GET', '/v1/peerings?limit=100', undefined, { authorization: `Bearer ${key.body.key}` });
    expect(list.status).toBe(200);
    expect(list.body.items.map((p: { id: string; team: string }) => [p.id, p.team])).toEqual([[id, 'default']]);
    const logged = h.logs.lines.map((l) => JSON.parse(l)).filter((l) => l.migration === 'peerings-team-index');
    expect(logged.map((l) => l.indexed)).toEqual([1]);

    const migration = h.gateway.app.get(TeamIndexMigration);
    expect(await migration.run()).toBe(0);
    const again = h.gateway.app.get(RedisService);
    await again.client.del(again.key('migration', 'peerings-team-index'));
    expect(await migration.run()).toBe(0);
    const after = await h.api('GET', '/v1/peerings?limit=100', undefined, { authorization: `Bearer ${key.body.key}` });
    expect(after.body.items.map((p: { id: string }) => p.id)).toEqual([id]);
  });
});
