import { afterEach, describe, expect, it } from '@jest/globals';
import { ConfigEntryStore } from './config-entries.js';
import { ConsulNetwork } from './consul-network.js';
import { type ConsulSimSettings, PeeringService } from './peering-service.js';

const allow = () => undefined;
const services: PeeringService[] = [];

function datacenter(network: ConsulNetwork, name: string, enterprise: boolean, configEntries?: ConfigEntryStore): PeeringService {
  const settings: ConsulSimSettings = { deleteDurationMs: 60_000, activateAfterMs: 0, heartbeatIntervalMs: 20, peeringEnabled: true };
  const service = new PeeringService({ datacenter: name, serverAddress: `127.0.0.1:${8500 + services.length}`, settings, network, enterprise, configEntries });
  network.register(service);
  services.push(service);
  return service;
}

afterEach(() => services.splice(0).forEach((s) => s.close()));

/**
 * The bulk list is written as JSON text from per-record pieces (PeeringService.listJson); it must
 * answer exactly what serializing the presented records answers, for every kind of record.
 */
describe('Consul simulator: the list as JSON text', () => {
  it.each([false, true])('is byte for byte the presented records (enterprise %s), and follows changes', async (enterprise) => {
    const network = new ConsulNetwork();
    const exports = new ConfigEntryStore(() => 0);
    const dc1 = datacenter(network, 'dc1', enterprise, exports);
    const dc2 = datacenter(network, 'dc2', enterprise);
    const pair = (name: string, meta?: Record<string, string>) =>
      dc2.establish(
        { peerName: name, partition: 'default', peeringToken: dc1.generateToken({ peerName: name, partition: 'default', meta }, allow), meta },
        allow,
      );
    pair('plain');
    // A Meta key named State: the pieces are cut at the top-level State key, not this one.
    pair('with-meta', { State: 'x', note: '"StreamStatus":{} \\ }' });
    pair('failing');
    pair('quiet');
    pair('deleted-by-peer');
    dc1.generateToken({ peerName: 'offer-only', partition: 'default' }, allow);
    exports.put('default', [{ Name: 'web', Consumers: [{ Peer: 'plain' }] }], undefined, undefined);
    await new Promise((r) => setTimeout(r, 60));
    dc2.setStreamFailing('failing', true, 'default');
    dc1.setStreamQuiet('quiet', true, 'default', 5_000);
    dc1.delete('default', 'deleted-by-peer', allow);

    const same = () => {
      // One moment for both: a heartbeat every 20 ms would otherwise move the times between the two reads.
      const now = Date.now();
      for (const dc of [dc1, dc2]) expect(dc.listJson('default', allow, now)).toBe(JSON.stringify(dc.list('default', allow, now)));
    };
    same();
    const before = dc2.listJson('default', allow);
    expect(JSON.parse(before).map((p: { Name: string; State: string }) => `${p.Name} ${p.State}`)).toEqual([
      'deleted-by-peer TERMINATED',
      'failing FAILING',
      'plain ACTIVE',
      'quiet ACTIVE',
      'with-meta ACTIVE',
    ]);
    // A rewritten record is presented anew; time moves the stream's part.
    dc2.delete('default', 'plain', allow);
    await new Promise((r) => setTimeout(r, 30));
    same();
    expect(dc2.listJson('default', allow)).not.toBe(before);
    expect(JSON.parse(dc2.listJson('default', allow))[2]).toMatchObject({ Name: 'plain', State: 'DELETING' });
  });
});
