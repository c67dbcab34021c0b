import { startTopology } from './topology.js';

/**
 * `npm run sim`: the simulated estate on its own, for docker-compose or for pointing another
 * gateway at it. Prints the cluster registrations (the body of POST /v1/clusters for each) as
 * one JSON line after `SIM_CLUSTERS `, then a readable list.
 *
 * SIM_HOST (default 127.0.0.1), SIM_BASE_PORT (default 18500; each cluster takes the next port),
 * SIM_ADVERTISE_HOST (the host name the gateway reaches the simulators by, default SIM_HOST),
 * SIM_CONSUL_DELETE_MS (default 2000), SIM_ONTAP_PAIRS (default 1: ontap-east and ontap-west).
 */
async function main(): Promise<void> {
  const host = process.env.SIM_HOST ?? '127.0.0.1';
  const topology = await startTopology({
    host,
    basePort: Number(process.env.SIM_BASE_PORT ?? 18500),
    consulDeleteDurationMs: process.env.SIM_CONSUL_DELETE_MS ? Number(process.env.SIM_CONSUL_DELETE_MS) : undefined,
    ontapPairs: process.env.SIM_ONTAP_PAIRS ? Number(process.env.SIM_ONTAP_PAIRS) : undefined,
  });
  const advertise = process.env.SIM_ADVERTISE_HOST;
  const clusters = topology.clusters.map((c) => (advertise ? { ...c, endpoint: c.endpoint.replace(`//${host}:`, `//${advertise}:`) } : c));
  process.stdout.write(`SIM_CLUSTERS ${JSON.stringify(clusters)}\n`);
  for (const c of clusters) process.stdout.write(`  ${c.id.padEnd(14)} ${c.product.padEnd(7)} ${c.endpoint}   control: ${c.endpoint}/_sim/faults\n`);
  const stop = async () => {
    await topology.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
