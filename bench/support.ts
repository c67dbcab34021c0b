import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { createLogger } from '../src/common/logger';
import { validateClusterInputs } from '../src/config/clusters-file';
import { loadConfig } from '../src/config/gateway-config';
import { DomainEvents } from '../src/events/domain-events';
import { RunningGateway, startGateway } from '../src/gateway';
import { PeeringState } from '../src/peerings/peering-state';
import { PrivateRedis, startPrivateRedis } from '../src/sandbox/private-redis';
import { SimProcess, startSimProcess } from './sim-process';

export interface BenchGateway {
  url: string;
  gateway: RunningGateway;
  sims: SimProcess;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Resolves when the peering reaches `state`, with the time (ms, performance.now) it did. */
  reached(id: string, state: PeeringState): Promise<number>;
  close(): Promise<void>;
}

/** A gateway as `npm start` runs it (API and workers, real Redis), the simulators in a process of their own, quiet. */
export async function startBenchGateway(simEnv: Record<string, string> = {}, env: Record<string, string> = {}): Promise<BenchGateway> {
  const logger = createLogger('warn');
  const redis: PrivateRedis = await startPrivateRedis(mkdtempSync(join(tmpdir(), 'gw-bench-')), logger);
  const sims = await startSimProcess(simEnv);
  const config = loadConfig({ REDIS_URL: redis.url, GATEWAY_ADMIN_TOKEN: 'bench', GATEWAY_SANDBOX: 'false', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env });
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
      await sims.stop();
      await redis.stop();
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
