import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ClusterRegistration } from '../sim/topology.js';

export interface SimProcess {
  clusters: ClusterRegistration[];
  pid: number;
  /** PUT /_sim/settings on one simulated cluster. */
  settings(clusterId: string, settings: Record<string, unknown>): Promise<void>;
  /** PUT /_sim/faults on one simulated cluster (latencyMs, failureRate, ...: sim/shared/faults.ts). */
  faults(clusterId: string, faults: Record<string, unknown>): Promise<void>;
  /** Calls the simulated clusters have answered so far (their /_sim/faults counters), all together. */
  calls(): Promise<number>;
  stop(): Promise<void>;
}

export interface ConsulSimProcess extends SimProcess {
  /** Establishes the pairs `<prefix>-<from>` ... `<prefix>-<from + count - 1>` between consul-dc1 and consul-dc2. */
  seed(prefix: string, from: number, count: number): Promise<void>;
}

/**
 * The simulators in their own process, as the real clusters would be on their own machines, so
 * that a benchmark measures the gateway and not the simulators sharing its event loop.
 */
export async function startSimProcess(env: Record<string, string> = {}): Promise<SimProcess> {
  return (await spawnSims(join(import.meta.dirname, '..', 'sim', 'main.js'), env)).sims;
}

/** Only the two Consul datacenters, with bulk seeding (bench/consul-sim-main.ts). */
export async function startConsulSimProcess(env: Record<string, string> = {}): Promise<ConsulSimProcess> {
  const { sims, child, lines } = await spawnSims(join(import.meta.dirname, 'consul-sim-main.js'), env);
  let seeded: (() => void) | undefined;
  lines.on('line', (line) => {
    if (line.startsWith('SEEDED ')) seeded?.();
  });
  return {
    ...sims,
    seed: (prefix, from, count) =>
      new Promise<void>((resolve) => {
        seeded = resolve;
        child.stdin!.write(`SEED ${prefix} ${from} ${count}\n`);
      }),
  };
}

async function spawnSims(entry: string, env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, [entry], {
    // Port 0: each simulated cluster takes a free port; the registrations name them.
    env: { ...process.env, SIM_BASE_PORT: '0', ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const clusters = await new Promise<ClusterRegistration[]>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`simulators exited (${code})`)));
    lines.on('line', (line) => {
      if (line.startsWith('SIM_CLUSTERS ')) resolve(JSON.parse(line.slice('SIM_CLUSTERS '.length)));
    });
  });
  child.removeAllListeners('exit');
  const put = async (clusterId: string, what: 'settings' | 'faults', body: Record<string, unknown>) => {
    const cluster = clusters.find((c) => c.id === clusterId);
    if (!cluster) throw new Error(`no simulated cluster ${clusterId}`);
    const res = await fetch(`${cluster.endpoint}/_sim/${what}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${what} of ${clusterId}: ${res.status} ${await res.text()}`);
  };
  const sims: SimProcess = {
    clusters,
    pid: child.pid!,
    settings: (clusterId, settings) => put(clusterId, 'settings', settings),
    faults: (clusterId, faults) => put(clusterId, 'faults', faults),
    calls: async () => {
      let total = 0;
      for (const c of clusters) total += ((await (await fetch(`${c.endpoint}/_sim/faults`)).json()) as { calls: number }).calls;
      return total;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
  return { sims, child, lines };
}
