import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { RefusedUrlError } from '../common/address-policy.js';
import { loadConfig } from '../config/gateway-config.js';
import { ClusterEndpointPolicy } from './endpoint-policy.js';

const policy = (allow = '') =>
  new ClusterEndpointPolicy(
    loadConfig({
      GATEWAY_ADMIN_TOKEN: 't',
      GATEWAY_SANDBOX: 'false',
      GATEWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      GATEWAY_CLUSTER_ALLOW: allow,
    }),
  );

const connectLookup = (p: ClusterEndpointPolicy, host: string) =>
  new Promise<string>((resolve, reject) => p.lookup(host, {}, (err, address) => (err ? reject(err) : resolve(String(address)))));

describe('cluster endpoint policy', () => {
  it('accepts http and https endpoints on loopback, private and public addresses, and names', () => {
    for (const url of ['http://127.0.0.1:18500', 'https://10.1.0.5', 'https://192.168.4.2:8443/', 'http://[::1]:8500', 'https://east-1.example.com']) {
      expect(policy().parse(url).href).toBe(new URL(url).href);
    }
  });

  it('refuses link-local, metadata, unspecified and multicast addresses, other schemes and credentials', () => {
    for (const url of [
      'http://169.254.169.254',
      'https://169.254.10.1/',
      'http://[fe80::1]/',
      'http://[fd00:ec2::254]/',
      'http://100.100.100.200/',
      'http://metadata.google.internal/',
      'http://metadata.goog./',
      'http://0.0.0.0:8500',
      'http://[::]:8500',
      'http://224.0.0.1/',
      'http://[ff02::1]/',
      'http://[::ffff:169.254.169.254]/',
      'http://0xa9fea9fe/',
      'ftp://10.1.0.5/',
      'file:///etc/passwd',
      'https://admin:netapp123@10.1.0.5',
      'https://token@127.0.0.1:8500',
    ]) {
      expect(() => policy().parse(url)).toThrow(RefusedUrlError);
    }
  });

  it('never repeats the credentials of a refused URL', () => {
    expect(() => policy().parse('https://admin:hunter2@10.1.0.5')).toThrow(/^must not carry credentials$/);
  });

  it('names GATEWAY_CLUSTER_ALLOW, which opens a CIDR or a host name', () => {
    expect(() => policy().parse('http://169.254.3.4/')).toThrow(/GATEWAY_CLUSTER_ALLOW/);
    expect(policy('169.254.3.0/24').parse('http://169.254.3.4/').hostname).toBe('169.254.3.4');
    expect(() => policy('169.254.3.0/24').parse('http://169.254.169.254/')).toThrow(RefusedUrlError);
    expect(policy('metadata.google.internal').parse('http://metadata.google.internal/').hostname).toBe('metadata.google.internal');
    expect(() => loadConfig({ GATEWAY_ADMIN_TOKEN: 't', GATEWAY_CLUSTER_ALLOW: '10.0.0.0/40' })).toThrow(/GATEWAY_CLUSTER_ALLOW/);
  });

  it('checks the addresses again on every connection (a name re-pointed after registration)', async () => {
    await expect(connectLookup(policy(), '169.254.169.254')).rejects.toThrow(RefusedUrlError);
    await expect(connectLookup(policy(), 'localhost')).resolves.toMatch(/^(127\.0\.0\.1|::1)$/);
    await expect(connectLookup(policy('169.254.0.0/16'), '169.254.169.254')).resolves.toBe('169.254.169.254');
  });

  it('refuses a name resolving into a refused range when vetted', async () => {
    await expect(policy().vet('http://localhost:8500')).resolves.toBeInstanceOf(URL);
    await expect(policy().vet('http://no-such-host.invalid:8500', 'allow')).resolves.toBeInstanceOf(URL);
    await expect(policy().vet('http://no-such-host.invalid:8500')).rejects.toThrow(/does not resolve/);
  });
});
