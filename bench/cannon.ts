import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One autocannon run, as its `--json` report gives it. */
export interface CannonResult {
  requests: number;
  /** Answers that were not 2xx, and connection errors or timeouts. */
  errors: number;
  durationSeconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

interface AutocannonReport {
  requests: { total: number };
  latency: { p50: number; p99: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** The autocannon command line of the installed package (a development dependency). */
function autocannonBin(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('autocannon/package.json')), 'autocannon.js');
}

/**
 * A closed-loop GET load of `connections` keep-alive connections for `seconds`, from autocannon
 * in a process of its own: the load generator must not share an event loop (or a core's worth of
 * time slices) with the benchmark that starts the servers and reads their CPU.
 */
export function runCannon(url: string, headers: Record<string, string>, connections: number, seconds: number): Promise<CannonResult> {
  const args = [autocannonBin(), '--json', '--connections', String(connections), '--duration', String(seconds)];
  for (const [name, value] of Object.entries(headers)) args.push('--headers', `${name}=${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        const report = JSON.parse(out) as AutocannonReport;
        const errors = report.non2xx + report.errors + report.timeouts;
        resolve({
          requests: report.requests.total,
          errors,
          durationSeconds: report.duration,
          perSecond: (report.requests.total - report.non2xx) / report.duration,
          p50: report.latency.p50,
          p99: report.latency.p99,
        });
      } catch {
        reject(new Error(`autocannon exited ${code}: ${err.slice(-2000)}`));
      }
    });
  });
}

/** Rounds of one target as one figure: request-weighted throughput, the worst round's p99, the median p50. */
export function mergeCannon(rounds: CannonResult[]): CannonResult {
  const requests = rounds.reduce((s, r) => s + r.requests, 0);
  const durationSeconds = rounds.reduce((s, r) => s + r.durationSeconds, 0);
  const sortedP50 = rounds.map((r) => r.p50).sort((a, b) => a - b);
  return {
    requests,
    errors: rounds.reduce((s, r) => s + r.errors, 0),
    durationSeconds,
    perSecond: rounds.reduce((s, r) => s + r.perSecond * r.durationSeconds, 0) / durationSeconds,
    p50: sortedP50[Math.floor(sortedP50.length / 2)] ?? NaN,
    p99: Math.max(...rounds.map((r) => r.p99)),
  };
}

/** Below this share of one core, a server was waiting on its load generator, not working flat out. */
export const SATURATED_CORES = 0.85;
