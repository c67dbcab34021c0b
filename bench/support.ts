import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { createLogger } from '../src/common/logger.js';
import { validateClusterInputs } from '../src/clusters/clusters-file.js';
import { loadConfig } from '../src/config/gateway-config.js';
import { DomainEvents } from '../src/domain/domain-events.js';
import { type RunningGateway, startGateway } from '../src/gateway.js';
import { type PeeringState } from '../src/domain/peering-state.js';
import { type PrivateRedis, startPrivateRedis } from '../src/sandbox/private-redis.js';
import { type SimProcess, startSimProcess } from './sim-process.js';

export interface BenchGateway {
  url: string;
  gateway: RunningGateway;
  sims: SimProcess;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Resolves when the peering reaches `state`, with the time (ms, performance.now) it did. */
  reached(id: string, state: PeeringState): Promise<number>;
  close(): Promise<void>;
}

export interface BenchEstate {
  redisUrl: string;
  sims: SimProcess;
  close(): Promise<void>;
}

/** A real Redis and the simulators in a process of their own, as the clusters would be on their own machines. */
export async function startBenchEstate(simEnv: Record<string, string> = {}): Promise<BenchEstate> {
  const redis: PrivateRedis = await startPrivateRedis(mkdtempSync(join(tmpdir(), 'gw-bench-')), createLogger('warn'));
  const sims = await startSimProcess(simEnv);
  return {
    redisUrl: redis.url,
    sims,
    close: async () => {
      await sims.stop();
      await redis.stop();
    },
  };
}

/**
 * A gateway as `npm start` runs it (API and workers), quiet. Given an estate, it shares it (with
 * its own key prefix), so that two gateways can be compared side by side in one run.
 */
export async function startBenchGateway(simEnv: Record<string, string> = {}, env: Record<string, string> = {}, shared?: BenchEstate): Promise<BenchGateway> {
  const logger = createLogger('warn');
  const estate = shared ?? (await startBenchEstate(simEnv));
  const sims = estate.sims;
  const config = loadConfig({
    REDIS_URL: estate.redisUrl,
    GATEWAY_REDIS_PREFIX: `bench${Math.random().toString(36).slice(2, 8)}`,
    GATEWAY_ADMIN_TOKEN: 'bench',
    GATEWAY_SANDBOX: 'false',
    GATEWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const clusters = (await validateClusterInputs(sims.clusters, 'bench')).map((input) => ({ input, source: 'sandbox' as const }));
  const gateway = await startGateway(config, { logger, clusters });

  const waiters = new Map<string, (at: number) => void>();
  const seen = new Map<string, number>();
  gateway.app.get(DomainEvents).subscribe((event) => {
    if (event.kind !== 'peering.state_changed') return;
    const key = `${event.peering.id}:${event.to}`;
    const at = performance.now();
    seen.set(key, at);
    waiters.get(key)?.(at);
  });

  const url = gateway.url!;
  return {
    url,
    gateway,
    sims,
    api: async (method, path, body) => {
      const res = await request(`${url}${path}`, {
        method: method as 'GET',
        headers: { authorization: 'Bearer bench', ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.body.text();
      return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
    },
    reached: (id, state) => {
      const key = `${id}:${state}`;
      const already = seen.get(key);
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve) => waiters.set(key, resolve));
    },
    close: async () => {
      await gateway.close();
      if (!shared) await estate.close();
    },
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i], i);
      }
    }),
  );
  return results;
}

export const ms = (value: number): string => `${value.toFixed(0)} ms`;
