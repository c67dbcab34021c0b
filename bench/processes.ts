import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { type RedisServerProcess, spawnRedisServer } from '../src/sandbox/private-redis.js';
import type { ClusterRegistration } from '../sim/topology.js';

/** One OS process of the benchmarks (a gateway or the bare server), with what /proc says of it. */
export interface BenchProcess {
  url?: string;
  pid: number;
  /** Resident set size now and at its peak (VmRSS, VmHWM of /proc/<pid>/status), in MB. */
  memory(): { rssMb: number; peakMb: number };
  /** CPU time used so far (user + system, /proc/<pid>/stat), in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
  /** SIGKILL, as a crash or a lost machine would end it; resolves when it is gone. */
  kill(): Promise<void>;
}

export interface GatewayProcessOptions {
  role: 'all' | 'api' | 'worker';
  /** REDIS_URL; empty when `env` names another topology (REDIS_SENTINELS ...). */
  redisUrl: string;
  prefix: string;
  clusters: ClusterRegistration[];
  env?: Record<string, string>;
}

export const BENCH_TOKEN = 'bench-token';
/** One key for every gateway process of a run: an API and its workers open each other's secrets. */
const ENCRYPTION_KEY = randomBytes(32).toString('base64');

/** A Redis of the run's own, without persistence: seeding 100,000 records should cost seconds, not fsyncs. */
export async function startBenchRedis(): Promise<RedisServerProcess> {
  return spawnRedisServer({ dir: mkdtempSync(join(tmpdir(), 'gw-bench-redis-')), appendonly: false });
}

/** A gateway as production runs it: `node dist/src/main.js` with a clusters file, quiet. */
export async function startGatewayProcess(options: GatewayProcessOptions): Promise<BenchProcess> {
  const clustersFile = join(tmpdir(), `gw-bench-clusters-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(clustersFile, JSON.stringify({ clusters: options.clusters }));
  return startProcess(
    join(import.meta.dirname, '..', 'src', 'main.js'),
    {
      PORT: '0',
      HOST: '127.0.0.1',
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      GATEWAY_REDIS_PREFIX: options.prefix,
      GATEWAY_ADMIN_TOKEN: BENCH_TOKEN,
      GATEWAY_ROLE: options.role,
      GATEWAY_SANDBOX: 'false',
      GATEWAY_CLUSTERS_FILE: clustersFile,
      GATEWAY_ENCRYPTION_KEY: ENCRYPTION_KEY,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    // Ready when the banner is printed (after Redis, clusters, workers and HTTP are up).
    (output) => (output.includes('Peering gateway is up') ? (options.role === 'worker' ? '' : /API:\s+(http:\/\/\S+)/.exec(output)?.[1]) : undefined),
  );
}

/** The bare Fastify + ioredis server of the read benchmark (bench/bare-server.ts). */
export async function startBareServer(redisUrl: string, prefix: string): Promise<BenchProcess> {
  return startProcess(
    join(import.meta.dirname, 'bare-server.js'),
    { REDIS_URL: redisUrl, GATEWAY_REDIS_PREFIX: prefix, GATEWAY_ADMIN_TOKEN: BENCH_TOKEN },
    (output) => /BARE_URL (http:\/\/\S+)/.exec(output)?.[1],
  );
}

async function startProcess(entry: string, env: Record<string, string>, ready: (output: string) => string | undefined): Promise<BenchProcess> {
  // BENCH_CPU_PROF=<dir>: each gateway process writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROF && entry.endsWith(join('src', 'main.js')) ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let started = false;
  // Until it is up, everything it says (the banner, a start-up failure); then only the tail, since
  // a process logging every request at `info` writes hundreds of MB in a benchmark.
  const keep = (c: Buffer) => (output = started ? (output + c.toString()).slice(-8192) : output + c.toString());
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    // Generous: the machine may be busy, and four processes start at once.
    const timer = setTimeout(() => reject(new Error(`${entry} did not start:\n${output}`)), 60_000);
    const check = setInterval(() => {
      const found = ready(output);
      if (found === undefined) return;
      clearInterval(check);
      clearTimeout(timer);
      started = true;
      resolve(found);
    }, 20);
    void exited.then(() => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`${entry} exited:\n${output}`));
    });
  });
  const pid = child.pid!;
  return {
    url: url || undefined,
    pid,
    memory: () => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
    },
    cpuSeconds: () => cpuSecondsOf(pid),
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** CPU time a process has used so far (user + system, /proc/<pid>/stat), in seconds. */
export function cpuSecondsOf(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A plain command connection, for seeding and watching the store from the benchmark itself. */
export function benchRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  // A connection left over while its Redis stops reconnects quietly until it is closed.
  redis.on('error', () => undefined);
  return redis;
}
