import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ClusterRegistration } from '../sim/topology.js';

export interface SimProcess {
  clusters: ClusterRegistration[];
  /** PUT /_sim/settings on one simulated cluster. */
  settings(clusterId: string, settings: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The simulators in their own process, as the real clusters would be on their own machines, so
 * that a benchmark measures the gateway and not the simulators sharing its event loop.
 */
export async function startSimProcess(env: Record<string, string> = {}): Promise<SimProcess> {
  const child: ChildProcess = spawn(process.execPath, [join(import.meta.dirname, '..', 'sim', 'main.js')], {
    // Port 0: each simulated cluster takes a free port; the registrations name them.
    env: { ...process.env, SIM_BASE_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const clusters = await new Promise<ClusterRegistration[]>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`simulators exited (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('SIM_CLUSTERS ')) resolve(JSON.parse(line.slice('SIM_CLUSTERS '.length)));
    });
  });
  child.removeAllListeners('exit');
  return {
    clusters,
    settings: async (clusterId, settings) => {
      const cluster = clusters.find((c) => c.id === clusterId);
      if (!cluster) throw new Error(`no simulated cluster ${clusterId}`);
      const res = await fetch(`${cluster.endpoint}/_sim/settings`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(settings),
      });
      if (!res.ok) throw new Error(`settings of ${clusterId}: ${res.status} ${await res.text()}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
