import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { SANDBOX_ONTAP_CREDENTIALS } from '../../sim/topology.js';
import { type Harness, startHarness } from '../support/harness.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

/** Every value of every key, whatever its type, as one text to search. */
async function dumpRedis(redis: Redis): Promise<{ keys: string[]; text: string }> {
  const keys: string[] = [];
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  for (const key of keys) {
    parts.push(key);
    const type = await redis.type(key);
    if (type === 'string') parts.push((await redis.get(key)) ?? '');
    else if (type === 'hash') parts.push(...Object.entries(await redis.hgetall(key)).flat());
    else if (type === 'list') parts.push(...(await redis.lrange(key, 0, -1)));
    else if (type === 'set') parts.push(...(await redis.smembers(key)));
    else if (type === 'zset') parts.push(...(await redis.zrange(key, 0, -1, 'WITHSCORES')));
    else if (type === 'stream') for (const [id, fields] of await redis.xrange(key, '-', '+')) parts.push(id, ...fields);
    else if (type !== 'none') throw new Error(`key ${key} has a type this scan does not read: ${type}`);
  }
  return { keys, text: parts.join('\n') };
}

/** Every file Redis wrote (the AOF base and increments, any snapshot), as latin1 text. */
function readRedisFiles(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(readFileSync(path).toString('latin1'));
    }
  };
  walk(dir);
  return out.join('\n');
}

/** The secret and the encodings it could hide in. */
function forms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  return [secret, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')];
}

describe('secrets at rest', () => {
  let redis: TestRedis;
  let h: Harness;
  let client: Redis;
  let receiver: Server;
  let receiverUrl: string;
  const consulAcl = `acl-${randomBytes(12).toString('hex')}`;
  const secrets = new Map<string, string>();
  const remember = (what: string, value: unknown) => {
    expect(typeof value).toBe('string');
    expect((value as string).length).toBeGreaterThan(6);
    secrets.set(what, value as string);
  };

  beforeAll(async () => {
    redis = await startTestRedis({ appendonly: true });
    h = await startHarness({ redisUrl: redis.url, topology: { ontapPairs: 2, consulAclToken: consulAcl } });
    client = new Redis(redis.url);
    receiver = createServer((_req, res) => res.writeHead(204).end());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    remember('ONTAP password', SANDBOX_ONTAP_CREDENTIALS.password);
    remember('ONTAP basic auth', `${SANDBOX_ONTAP_CREDENTIALS.username}:${SANDBOX_ONTAP_CREDENTIALS.password}`);
    remember('Consul ACL token', consulAcl);
  });
  afterAll(async () => {
    await h?.close();
    client?.disconnect();
    await new Promise((resolve) => receiver?.close(resolve));
    await redis?.stop();
  });

  const sim = (name: string) => [...h.topology.ontap, ...h.topology.consul].find((s) => h.topology.clusters.find((c) => c.id === name)?.endpoint === s.url)!;
  const addresses = (name: string) => h.topology.clusters.find((c) => c.id === name)!.ontap!.interclusterAddresses;
  const consulCall = async (url: string, path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'x-consul-token': consulAcl }, body: JSON.stringify(body) });
    return (await res.json()) as { PeeringToken: string };
  };
  const offerSecret = async (peeringId: string): Promise<string> => {
    const waiting = await h.waitForPeering(peeringId, (p) => p.stateReason === 'waiting for the remote side to accept the offer');
    const op = await h.api('GET', `/v1/operations/${waiting.operationId}`);
    return op.body.offer.secret;
  };

  it('keeps no secret in plain text in any Redis key or in the AOF, through every flow', async () => {
    // Clusters registered with credentials of their own.
    const vaultPassword = `pw-${randomBytes(12).toString('hex')}`;
    const vaultToken = `tok-${randomBytes(12).toString('hex')}`;
    remember('registered ONTAP password', vaultPassword);
    remember('registered Consul token', vaultToken);
    const east = h.topology.clusters.find((c) => c.id === 'ontap-east')!;
    const dc1 = h.topology.clusters.find((c) => c.id === 'consul-dc1')!;
    expect(
      (
        await h.api('POST', '/v1/clusters', {
          id: 'vault-ontap',
          product: 'ontap',
          endpoint: east.endpoint,
          auth: { username: 'admin', password: vaultPassword },
          ontap: { interclusterAddresses: ['10.9.0.1'] },
        })
      ).status,
    ).toBe(201);
    expect((await h.api('POST', '/v1/clusters', { id: 'vault-consul', product: 'consul', endpoint: dc1.endpoint, auth: { token: vaultToken } })).status).toBe(
      201,
    );

    // A webhook, created under an Idempotency-Key (its answer, secret included, is kept for replays), then rotated.
    const hook = await h.api('POST', '/v1/webhooks', { url: receiverUrl }, { 'idempotency-key': `hook-${randomBytes(4).toString('hex')}` });
    expect(hook.status).toBe(201);
    remember('webhook secret', hook.body.secret);
    const rotated = await h.api('POST', `/v1/webhooks/${hook.body.id}/rotate-secret`);
    remember('rotated webhook secret', rotated.body.secret);

    // ONTAP two-sided.
    const ontapPair = await h.api('POST', '/v1/peerings', { name: 'vault-pair', local: { cluster: 'ontap-east' }, remote: { cluster: 'ontap-west' } });
    await h.waitForState(ontapPair.body.id, 'ACTIVE');
    // Consul two-sided.
    const consulPair = await h.api('POST', '/v1/peerings', { name: 'vault-pair', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
    await h.waitForState(consulPair.body.id, 'ACTIVE');

    // One-sided offers (ONTAP and Consul): Redis is read while their secrets wait to be read.
    const ontapOffer = await h.api('POST', '/v1/peerings', {
      name: 'vault-offer',
      local: { cluster: 'ontap-east-2' },
      remote: { external: { addresses: addresses('ontap-west-2') } },
    });
    const consulOffer = await h.api('POST', '/v1/peerings', { name: 'vault-offer', local: { cluster: 'consul-dc1' }, remote: { external: {} } });
    await h.waitForPeering(ontapOffer.body.id, (p) => p.stateReason === 'waiting for the remote side to accept the offer');
    await h.waitForPeering(consulOffer.body.id, (p) => p.stateReason === 'waiting for the remote side to accept the offer');
    const whileUnread = await dumpRedis(client);
    expect(whileUnread.keys.filter((k) => k.includes(':operation-secret:'))).toHaveLength(2);
    const passphrase = await offerSecret(ontapOffer.body.id);
    const consulOfferToken = await offerSecret(consulOffer.body.id);
    remember('ONTAP offer passphrase', passphrase);
    remember('Consul offer token', consulOfferToken);
    expect((await dumpRedis(client)).keys.filter((k) => k.includes(':operation-secret:'))).toEqual([]);

    // ONTAP one-sided accept with an external secret: the other pair's offer.
    const ontapAccept = await h.api('POST', '/v1/peerings', {
      name: 'vault-accept',
      local: { cluster: 'ontap-west-2' },
      remote: { external: { secret: passphrase, addresses: addresses('ontap-east-2') } },
    });
    await h.waitForState(ontapAccept.body.id, 'ACTIVE');

    // Consul: an external token accepted once, then a failed accept with the same (used) token.
    const dc2 = sim('consul-dc2');
    const external = (await consulCall(dc2.url, '/v1/peering/token', { PeerName: 'vault-partner' })).PeeringToken;
    remember('Consul external token', external);
    const consulAccept = await h.api('POST', '/v1/peerings', {
      name: 'vault-accept',
      local: { cluster: 'consul-dc1' },
      remote: { external: { secret: external } },
    });
    await h.waitForState(consulAccept.body.id, 'ACTIVE');
    const failedAccept = await h.api('POST', '/v1/peerings', {
      name: 'vault-reuse',
      local: { cluster: 'consul-dc1' },
      remote: { external: { secret: external } },
    });
    const failed = await h.waitForState(failedAccept.body.id, 'FAILED');
    expect(failed.lastError).toMatchObject({ code: 'upstream_rejected', upstream: { status: 403 } });

    // The secrets the clusters traded between themselves during the two-sided handshakes.
    for (const s of h.topology.ontap) {
      for (const call of s.faults.journal) {
        const phrase = (call.body as { authentication?: { passphrase?: string } } | null)?.authentication?.passphrase;
        if (phrase) remember(`ONTAP passphrase sent to ${s.url}`, phrase);
      }
    }
    for (const s of h.topology.consul) {
      for (const call of s.faults.journal) {
        const token = (call.body as { PeeringToken?: string } | null)?.PeeringToken;
        if (token) remember(`Consul peering token sent to ${s.url}`, token);
      }
    }
    expect(secrets.size).toBeGreaterThanOrEqual(12);

    // A used or failed external secret is not kept, not even sealed.
    for (const id of [ontapAccept.body.id, consulAccept.body.id, failedAccept.body.id]) {
      const record = JSON.parse((await client.hget(`${h.config.redisPrefix}:peering:${id}`, 'json'))!);
      expect(record.remote.external).not.toHaveProperty('secret');
    }

    await new Promise((r) => setTimeout(r, 1_200)); // the AOF is written at least once a second
    const now = await dumpRedis(client);
    const files = readRedisFiles(redis.dir);
    // The scan reads real data: the sealed credentials are there.
    expect(now.text).toMatch(/"password":"v1:[\w-]{8}:/);
    expect(now.text).toContain(`"token":"v1:`);
    expect(files).toContain('vault-ontap');
    for (const [what, secret] of secrets) {
      for (const form of forms(secret)) {
        expect({ what, form, inRedis: now.text.includes(form) }).toEqual({ what, form, inRedis: false });
        expect({ what, form, inRedisWhileUnread: whileUnread.text.includes(form) }).toEqual({ what, form, inRedisWhileUnread: false });
        expect({ what, form, inAof: files.includes(form) }).toEqual({ what, form, inAof: false });
      }
    }
  });

  it('still works from the sealed records: the registered cluster, the webhook and the idempotent replay', async () => {
    const list = await h.api('GET', '/v1/clusters');
    expect(list.body.items.find((c: { id: string }) => c.id === 'vault-ontap').auth).toEqual({ username: 'admin', passwordSet: true, tokenSet: false });
    const key = `replay-${randomBytes(4).toString('hex')}`;
    const first = await h.api('POST', '/v1/webhooks', { url: receiverUrl }, { 'idempotency-key': key });
    const again = await h.api('POST', '/v1/webhooks', { url: receiverUrl }, { 'idempotency-key': key });
    expect(again.body).toEqual(first.body);
    expect(first.body.secret).toMatch(/^whsec_/);
  });
});
