import { describe, expect, it } from '@jest/globals';
import { UpstreamError } from '../../port.js';
import type { Cluster } from '../../../domain/cluster.js';
import type { Peering } from '../../../domain/peering.js';
import { ipsecOptionRules, matchesPlan, parseSubnet, planPolicies, policyBody } from './ipsec-plan.js';
import { assessKeyManagers } from './key-manager-check.js';
import { classifySecurityError } from './security-errors.js';

const cluster = (id: string) => ({ id }) as Cluster;
const peering = (ipsec: Record<string, unknown>) => ({ name: 'east-west', ontap: { encryption: 'tls_psk', ipsec } }) as unknown as Peering;

describe('IPsec plan', () => {
  it('mirrors subnets and ports for the remote cluster', () => {
    const [local, remote] = planPolicies(
      peering({ svm: 'svm1', remoteSvm: 'svm-dr', localSubnet: '10.1.0.0/16', remoteSubnet: 'fd00::/64', localPort: 443, protocol: 'TCP' }),
      cluster('a'),
      cluster('b'),
    );
    expect(local).toMatchObject({
      svm: 'svm1',
      name: 'gw-east-west',
      local: { address: '10.1.0.0', netmask: 16, port: '443' },
      remote: { address: 'fd00::', netmask: 64 },
      protocol: '6',
    });
    expect(remote).toMatchObject({ svm: 'svm-dr', local: { address: 'fd00::', netmask: 64 }, remote: { address: '10.1.0.0', port: '443' } });
    expect(policyBody(local, '0xab')).toMatchObject({
      action: 'esp_transport',
      authentication_method: 'psk',
      secret_key: '0xab',
      local_endpoint: { netmask: '16', port: '443' },
    });
  });

  it('takes a policy as identical whatever the spelling of address, protocol and port', () => {
    const [plan] = planPolicies(
      peering({ svm: 'svm1', localSubnet: 'fd00:0:0:0::/64', remoteSubnet: 'fd01::/64', protocol: 'udp' }),
      cluster('a'),
      cluster('b'),
    );
    const record = {
      uuid: 'u',
      name: 'gw-east-west',
      svm: { name: 'svm1' },
      local_endpoint: { address: 'fd00::', netmask: '64', port: '0' },
      remote_endpoint: { address: 'FD01:0::', netmask: '64' },
      protocol: '17',
      action: 'esp_transport',
      authentication_method: 'psk',
    };
    expect(matchesPlan(record, plan)).toBe(true);
    expect(matchesPlan({ ...record, authentication_method: 'pki' }, plan)).toBe(false);
    expect(matchesPlan({ ...record, remote_endpoint: { address: 'fd01::', netmask: '48' } }, plan)).toBe(false);
  });

  it('checks the subnets as ONTAP would', () => {
    expect(parseSubnet('10.0.0.0/33')).toMatch(/prefix/);
    expect(parseSubnet('10.0.0.0')).toMatch(/66257125/);
    const rules = (o: Record<string, unknown>) =>
      ipsecOptionRules({ svm: 's', localSubnet: '10.1.0.0/24', remoteSubnet: '10.2.0.0/24', ...o }, true).map((e) => e.field);
    expect(rules({})).toEqual([]);
    expect(rules({ localSubnet: '::/0', remoteSubnet: '::/0' })).toEqual(['ontap.ipsec.localSubnet', 'ontap.ipsec.remotePort']);
    expect(rules({ protocol: '300' })).toEqual(['ontap.ipsec.protocol']);
  });
});

describe('key-manager check', () => {
  it('counts status 0 and 65537200 as working, anything else not, and reads older clusters without status', () => {
    expect(assessKeyManagers('c', [{ uuid: 'k', scope: 'cluster', onboard: { enabled: true }, status: { code: 0, message: '' } }]).working).toBe(true);
    expect(assessKeyManagers('c', [{ uuid: 'k', scope: 'cluster', onboard: { enabled: true } }]).working).toBe(true);
    const failed = assessKeyManagers('c', [
      { uuid: 'k', scope: 'cluster', onboard: { enabled: true }, status: { code: 65536903, message: 'failed on some nodes' } },
    ]);
    expect(failed).toMatchObject({
      working: false,
      type: 'onboard',
      reason: expect.stringMatching(/failed on some nodes \(ONTAP status 65536903\)\. Onboard key management failed/),
    });
    expect(
      assessKeyManagers('c', [{ uuid: 'k', scope: 'cluster', external: { servers: [{ server: 'a:5696', connectivity: { cluster_availability: false } }] } }])
        .reason,
    ).toMatch(/reachable/);
  });
});

describe('security error classification', () => {
  it("reads ONTAP's security codes with the security table, keeping the upstream", () => {
    const upstream = { product: 'ontap' as const, cluster: 'c', status: 409, code: '66257142', message: 'migrating' };
    const classified = classifySecurityError(new UpstreamError('final', upstream)) as UpstreamError;
    expect(classified).toMatchObject({ kind: 'transient', gatewayCode: 'conflict', upstream });
    const unknown = new UpstreamError('final', { ...upstream, code: '999' });
    expect(classifySecurityError(unknown)).toBe(unknown);
  });
});
