import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { type BenchProcess, BENCH_TOKEN, startGatewayProcess } from './processes.js';
import { startSoakSentinel } from './sentinel.js';
import { startConsulSimProcess } from './sim-process.js';
import { percentile } from './support.js';

/**
 * `npm run soak` (`-- --minutes 2` for a short try): mixed creates, label changes, deletes and
 * reads against one API process and two worker processes on Redis Sentinel and the simulated
 * Consul datacenters, all on loopback. A worker is killed (SIGKILL) and replaced every minute;
 * the Redis master is killed once, half-way. Every write is retried with its Idempotency-Key
 * until it is accepted, as a careful caller does. At the end: 0 lost (every accepted create ends
 * ACTIVE, or DELETED when its delete was accepted), 0 doubled (one gateway peering per name, one
 * record per side on the datacenters and none left by a deleted one), the API process's RSS flat
 * within 10% after the first minute, and the p99 of reads per minute.
 */

const CONSUL_TOKEN = 'sandbox-consul-token';
/** Creates in flight at once, and reads per second: a steady load that two shared cores carry. */
const WRITERS = 8;
const READERS = 4;
const READS_PER_SECOND_PER_READER = 25;

interface Tracked {
  name: string;
  id: string;
  deleteAccepted: boolean;
}

function minutesFromArgs(): number {
  const at = process.argv.indexOf('--minutes');
  const minutes = at >= 0 ? Number(process.argv[at + 1]) : 10;
  if (!Number.isFinite(minutes) || minutes < 1 || minutes > 120) throw new Error('--minutes takes a number from 1 to 120');
  return minutes;
}

async function main(): Promise<void> {
  const minutes = minutesFromArgs();
  const sentinel = await startSoakSentinel();
  const sims = await startConsulSimProcess({ SIM_CONSUL_DELETE_MS: '300' });
  const prefix = 'soak';
  const gateway = (role: 'api' | 'worker') =>
    startGatewayProcess({ role, redisUrl: '', prefix, clusters: sims.clusters, env: { ...sentinel.env, GATEWAY_RECONCILE_INTERVAL_MS: '0' } });
  const api = await gateway('api');
  const workers: BenchProcess[] = [await gateway('worker'), await gateway('worker')];
  const call = async (method: string, path: string, body?: unknown, idempotencyKey?: string) => {
    const res = await request(`${api.url}${path}`, {
      method: method as 'GET',
      headers: {
        authorization: `Bearer ${BENCH_TOKEN}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text ? (JSON.parse(text) as any) : undefined };
  };
  const started = Date.now();
  const until = started + minutes * 60_000;
  const tracked: Tracked[] = [];
  const readLatencies: number[][] = Array.from({ length: minutes }, () => []);
  const rss: number[] = [];
  let writeRetries = 0;
  let readErrors = 0;

  /** A write retried with the same key until the API accepts it (or the budget of a minute is spent). */
  const accepted = async (method: string, path: string, body?: unknown): Promise<any> => {
    const key = randomUUID();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      try {
        const res = await call(method, path, body, key);
        if (res.status < 300) return res.body;
        if (res.status < 500 && res.status !== 409) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      } catch (err) {
        if ((err as Error).message.startsWith(method)) throw err;
      }
      writeRetries++;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${method} ${path}: not accepted within a minute`);
  };

  const writer = async (w: number) => {
    for (let n = 0; Date.now() < until; n++) {
      const name = `soak-${w}-${n}`;
      const created = await accepted('POST', '/v1/peerings', { name, local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
      const entry: Tracked = { name, id: created.id, deleteAccepted: false };
      tracked.push(entry);
      await new Promise((r) => setTimeout(r, 500));
      await accepted('PATCH', `/v1/peerings/${entry.id}`, { labels: { soak: String(n) } });
      // Two of three are deleted again: deletes go on all run long, and a third stays.
      if (n % 3 !== 2) {
        await new Promise((r) => setTimeout(r, 500));
        await accepted('DELETE', `/v1/peerings/${entry.id}`);
        entry.deleteAccepted = true;
      }
    }
  };

  const reader = async () => {
    while (Date.now() < until) {
      const pick = tracked[Math.floor(Math.random() * tracked.length)];
      const t0 = performance.now();
      if (pick) {
        try {
          const res = await call('GET', `/v1/peerings/${pick.id}`);
          if (res.status !== 200) readErrors++;
          else readLatencies[Math.min(minutes - 1, Math.floor((Date.now() - started) / 60_000))].push(performance.now() - t0);
        } catch {
          readErrors++;
        }
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 / READS_PER_SECOND_PER_READER - (performance.now() - t0))));
    }
  };

  const chaos = async () => {
    let failedOver = false;
    for (let minute = 1; minute <= minutes; minute++) {
      const next = started + minute * 60_000;
      while (Date.now() < next) {
        if (!failedOver && Date.now() >= started + (minutes * 60_000) / 2) {
          failedOver = true;
          const t0 = Date.now();
          await sentinel.failOver();
          console.log(`  Redis master killed at ${((t0 - started) / 1000).toFixed(0)} s; the replica took over in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      rss.push(api.memory().rssMb);
      const p99 = percentile(readLatencies[minute - 1], 99);
      console.log(
        `  minute ${minute}: ${tracked.length} creates accepted so far, reads p99 ${p99.toFixed(1)} ms (${readLatencies[minute - 1].length} reads), API RSS ${rss.at(-1)!.toFixed(0)} MB`,
      );
      if (minute < minutes) {
        // A worker dies the hard way mid-work; a new one takes its place.
        await workers.shift()!.kill();
        workers.push(await gateway('worker'));
      }
    }
  };

  console.log(
    `Soak: ${minutes} min, ${WRITERS} writers, ${READERS} readers at ${READS_PER_SECOND_PER_READER}/s each, a worker killed every minute, one Redis failover`,
  );
  let ok: boolean;
  try {
    await Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), ...Array.from({ length: READERS }, () => reader()), chaos()]);
    ok = await verdict(call, tracked, sims.clusters, rss, writeRetries, readErrors);
  } finally {
    for (const w of workers) await w.stop();
    await api.stop();
    await sims.stop();
    await sentinel.stop();
  }
  process.exit(ok ? 0 : 1);
}

async function verdict(
  call: (method: string, path: string) => Promise<{ status: number; body: any }>,
  tracked: Tracked[],
  clusters: { id: string; endpoint: string }[],
  rss: number[],
  writeRetries: number,
  readErrors: number,
): Promise<boolean> {
  // Whatever was accepted last gets up to two minutes to finish.
  const settleBy = Date.now() + 120_000;
  const endState = async (t: Tracked) => {
    for (;;) {
      const res = await call('GET', `/v1/peerings/${t.id}`);
      const state = res.status === 200 ? (res.body.state as string) : `HTTP ${res.status}`;
      if (state === (t.deleteAccepted ? 'DELETED' : 'ACTIVE') || Date.now() > settleBy) return state;
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const states = await Promise.all(tracked.map(endState));
  const lost = tracked.filter((t, i) => states[i] !== (t.deleteAccepted ? 'DELETED' : 'ACTIVE'));
  const live = new Set(tracked.filter((t) => !t.deleteAccepted).map((t) => t.name));
  // Gateway side: one live peering per name (the list is read to its end, a page at a time).
  const byName = new Map<string, number>();
  for (let cursor: string | null = null, pages = 0; pages < 1000; pages++) {
    const page = await call('GET', `/v1/peerings?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    for (const p of page.body.items as { name: string; state: string }[]) if (p.state !== 'DELETED') byName.set(p.name, (byName.get(p.name) ?? 0) + 1);
    cursor = page.body.nextCursor;
    if (!cursor) break;
  }
  const doubledInGateway = [...byName].filter(([, n]) => n > 1).map(([name]) => name);
  // Cluster side: each live peering once per datacenter, nothing left of a deleted one.
  const doubledOnClusters: string[] = [];
  for (const cluster of clusters) {
    const res = await request(`${cluster.endpoint}/v1/peerings`, { headers: { 'x-consul-token': CONSUL_TOKEN } });
    const records = ((await res.body.json()) as { Name: string }[] | null) ?? [];
    const counts = new Map<string, number>();
    for (const r of records) counts.set(r.Name, (counts.get(r.Name) ?? 0) + 1);
    for (const [name, n] of counts) if (n > 1 || !live.has(name)) doubledOnClusters.push(`${cluster.id}:${name}`);
    for (const name of live) if (!counts.has(name)) lost.push({ name, id: `(missing on ${cluster.id})`, deleteAccepted: false });
  }
  const after = rss.slice(1);
  const drift = after.length > 1 ? (Math.max(...after) - Math.min(...after)) / Math.min(...after) : 0;
  const doubled = doubledInGateway.length + doubledOnClusters.length;
  console.log(
    [
      `Soak result: ${tracked.length} creates accepted (${tracked.filter((t) => t.deleteAccepted).length} deleted again), ${writeRetries} write retries, ${readErrors} failed reads`,
      `  lost: ${lost.length}${
        lost.length
          ? ` (${lost
              .slice(0, 5)
              .map((l) => `${l.name} ${l.id}`)
              .join(', ')})`
          : ''
      }   (goal 0)`,
      `  doubled: ${doubled}${doubled ? ` (${[...doubledInGateway, ...doubledOnClusters].slice(0, 5).join(', ')})` : ''}   (goal 0)`,
      `  API RSS after minute one: ${after.map((m) => m.toFixed(0)).join(', ')} MB; spread ${(drift * 100).toFixed(1)}%   (goal within 10%)`,
    ].join('\n'),
  );
  return lost.length === 0 && doubled === 0 && drift <= 0.1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
