import { describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadClustersFile } from '../../src/clusters/clusters-file.js';

/** The shipped compose file's clusters (deploy/), read as the gateway reads a clusters file. */
describe('the clusters file', () => {
  it('reads YAML with secrets named by environment variable', async () => {
    const clusters = await loadClustersFile(join(process.cwd(), 'deploy', 'clusters.compose.yaml'), {
      SIM_CONSUL_TOKEN: 'consul-secret',
      SIM_ONTAP_PASSWORD: 'ontap-secret',
    });
    expect(clusters.map((c) => c.id)).toEqual(['consul-dc1', 'consul-dc2', 'ontap-east', 'ontap-west']);
    expect(clusters[0].auth).toEqual({ token: 'consul-secret' });
    expect(clusters[2].auth).toEqual({ username: 'admin', password: 'ontap-secret' });
  });

  it('says which variable is missing and which cluster is wrong', async () => {
    await expect(loadClustersFile(join(process.cwd(), 'deploy', 'clusters.compose.yaml'), {})).rejects.toThrow(
      'clusters[0].auth.tokenFromEnv names SIM_CONSUL_TOKEN, which is not set',
    );
    const path = join(tmpdir(), `clusters-${process.pid}.json`);
    writeFileSync(path, JSON.stringify([{ id: 'x', product: 'vmware', endpoint: 'http://x', auth: {} }]));
    await expect(loadClustersFile(path, {})).rejects.toThrow('clusters[0]: product: product must be one of: ontap, consul');
  });
});
