import { createInterface } from 'node:readline';
import { ConsulNetwork, startConsulSim } from '../sim/consul/index.js';
import { type PeeringService } from '../sim/consul/peering-service.js';
import { type ClusterRegistration } from '../sim/topology.js';

/**
 * Two simulated Consul datacenters (consul-dc1, consul-dc2, registered as sim/topology.ts
 * registers them) in a process of their own, for the benchmarks that need tens of thousands of
 * established pairs: `SEED <prefix> <from> <count>` on stdin establishes the pairs
 * `<prefix>-<from>` ... through the simulators' own peering logic (token on dc1, establish on
 * dc2) without 2 HTTP calls per pair, and answers `SEEDED <count>` on stdout.
 *
 * SIM_CONSUL_DELETE_MS and SIM_CONSUL_ACTIVATE_MS set the simulators' delete duration and the
 * delay before an established pair reads ACTIVE.
 */
async function main(): Promise<void> {
  const network = new ConsulNetwork();
  const aclToken = 'sandbox-consul-token';
  const number = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
  const sims = await Promise.all(
    ['dc1', 'dc2'].map((datacenter) =>
      startConsulSim({
        datacenter,
        network,
        host: '127.0.0.1',
        port: 0,
        aclToken,
        deleteDurationMs: number('SIM_CONSUL_DELETE_MS'),
        activateAfterMs: number('SIM_CONSUL_ACTIVATE_MS'),
      }),
    ),
  );
  const clusters: ClusterRegistration[] = sims.map((sim) => ({
    id: `consul-${sim.datacenter}`,
    product: 'consul',
    endpoint: sim.url,
    auth: { token: aclToken },
    consul: { partition: 'default', datacenter: sim.datacenter },
  }));
  process.stdout.write(`SIM_CLUSTERS ${JSON.stringify(clusters)}\n`);

  // The network hands out the members it holds: each is its datacenter's PeeringService.
  const [acceptor, dialer] = ['dc1', 'dc2'].map((dc) => network.datacenter(dc) as unknown as PeeringService);
  const allow = () => undefined;
  createInterface({ input: process.stdin }).on('line', (line) => {
    const [command, prefix, from, count] = line.trim().split(/\s+/);
    if (command !== 'SEED') return;
    for (let i = Number(from); i < Number(from) + Number(count); i++) {
      const peerName = `${prefix}-${i}`;
      const peeringToken = acceptor.generateToken({ peerName, partition: 'default' }, allow);
      dialer.establish({ peerName, partition: 'default', peeringToken }, allow);
    }
    process.stdout.write(`SEEDED ${count}\n`);
  });
  const stop = async () => {
    await Promise.all(sims.map((s) => s.close()));
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
