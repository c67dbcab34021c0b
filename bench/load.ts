import { Pool } from 'undici';
import { percentile } from './support.js';

export interface LoadResult {
  requests: number;
  errors: number;
  durationMs: number;
  /** Latency of each answered request, in ms. */
  latencies: number[];
}

/**
 * A closed-loop load generator: `connections` keep-alive connections, each sending the next GET
 * as soon as the previous answer is read, for `durationMs`. Paths are taken in turn.
 */
export async function runLoad(origin: string, paths: string[], headers: Record<string, string>, connections: number, durationMs: number): Promise<LoadResult> {
  const pool = new Pool(origin, { connections, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const until = started + durationMs;
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < until) {
          const path = paths[next++ % paths.length];
          const t0 = performance.now();
          try {
            const res = await pool.request({ origin, path, method: 'GET', headers });
            await res.body.dump();
            if (res.statusCode === 200) latencies.push(performance.now() - t0);
            else errors++;
          } catch {
            errors++;
          }
        }
      }),
    );
  } finally {
    await pool.close();
  }
  return { requests: latencies.length, errors, durationMs: performance.now() - started, latencies };
}

/** Several rounds of one target, as one result. */
export function mergeLoads(rounds: LoadResult[]): { perSecond: number; p50: number; p99: number; requests: number; errors: number } {
  const latencies = rounds.flatMap((r) => r.latencies);
  const durationMs = rounds.reduce((sum, r) => sum + r.durationMs, 0);
  return {
    requests: latencies.length,
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    perSecond: latencies.length / (durationMs / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}
