import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../config/gateway-config.js';
import { RefusedUrlError, WebhookUrlPolicy } from './url-policy.js';
import { WebhookSender } from './webhook-sender.js';

const policy = (allow = '') => new WebhookUrlPolicy(loadConfig({ GATEWAY_ADMIN_TOKEN: 't', GATEWAY_WEBHOOK_ALLOW: allow }));

/** The policy's socket lookup: what every delivery connection goes through (DNS rebinding included). */
const connectLookup = (p: WebhookUrlPolicy, host: string) =>
  new Promise<string>((resolve, reject) => p.lookup(host, {}, (err, address) => (err ? reject(err) : resolve(String(address)))));

describe('webhook URL policy', () => {
  it('accepts http and https receivers on loopback and private addresses', () => {
    for (const url of ['http://127.0.0.1:9000/hook', 'https://10.1.2.3/x', 'http://[::1]:8080/']) expect(policy().parse(url).href).toBe(new URL(url).href);
  });

  it('refuses other schemes, credentials, link-local and metadata addresses', () => {
    for (const url of [
      'ftp://127.0.0.1/',
      'file:///etc/passwd',
      'http://a:b@127.0.0.1/',
      'http://169.254.169.254/',
      'http://169.254.1.1/',
      'http://[fe80::1%25eth0]/',
      'http://[fd00:ec2::254]/',
      'http://100.100.100.200/',
      'http://0xa9fea9fe/',
      'http://metadata.google.internal./',
    ]) {
      expect(() => policy().parse(url)).toThrow(RefusedUrlError);
    }
  });

  it('lets the allow-list open a CIDR or a host name', () => {
    expect(policy('169.254.10.0/24').parse('http://169.254.10.9/').hostname).toBe('169.254.10.9');
    expect(() => policy('169.254.10.0/24').parse('http://169.254.169.254/')).toThrow(RefusedUrlError);
    expect(policy('metadata.google.internal').parse('http://metadata.google.internal/').hostname).toBe('metadata.google.internal');
  });

  it('checks the addresses again when a delivery connects', async () => {
    await expect(connectLookup(policy(), '169.254.169.254')).rejects.toThrow(RefusedUrlError);
    await expect(connectLookup(policy(), 'fe80::1')).rejects.toThrow(RefusedUrlError);
    await expect(connectLookup(policy('169.254.0.0/16'), '169.254.169.254')).resolves.toBe('169.254.169.254');
    await expect(connectLookup(policy(), 'localhost')).resolves.toMatch(/^(127\.0\.0\.1|::1)$/);
  });

  it('fails a delivery to a refused address for good, without sending it', async () => {
    const config = loadConfig({ GATEWAY_ADMIN_TOKEN: 't' });
    const sender = new WebhookSender(config, new WebhookUrlPolicy(config));
    const outcome = await sender.send(
      { url: 'http://169.254.169.254/latest', webhookId: 'msg_1', body: '{}', secrets: ['whsec_AAAA'] },
      new AbortController().signal,
    );
    expect(outcome).toMatchObject({ kind: 'refused', error: expect.stringContaining('169.254.169.254') });
    await sender.onModuleDestroy();
  });

  it('fails a delivery for good when the lookup at connection time refuses the address', async () => {
    // As if the receiver's name had been re-pointed into a metadata range after it was subscribed.
    const rebound: WebhookUrlPolicy['lookup'] = (_host, _options, callback) => callback(new RefusedUrlError('host resolves to 169.254.169.254'), '', 0);
    const sender = new WebhookSender(loadConfig({ GATEWAY_ADMIN_TOKEN: 't' }), { parse: (url: string) => new URL(url), lookup: rebound } as WebhookUrlPolicy);
    const outcome = await sender.send(
      { url: 'http://localhost:1/hook', webhookId: 'msg_1', body: '{}', secrets: ['whsec_AAAA'] },
      new AbortController().signal,
    );
    expect(outcome).toEqual({ kind: 'refused', error: 'host resolves to 169.254.169.254' });
    await sender.onModuleDestroy();
  });

  it('rejects an allow-list entry that is neither a host nor a CIDR at start', () => {
    expect(() => loadConfig({ GATEWAY_ADMIN_TOKEN: 't', GATEWAY_WEBHOOK_ALLOW: '10.0.0.0/33' })).toThrow(/GATEWAY_WEBHOOK_ALLOW/);
    expect(() => loadConfig({ GATEWAY_ADMIN_TOKEN: 't', GATEWAY_WEBHOOK_ALLOW: 'http://x' })).toThrow(/GATEWAY_WEBHOOK_ALLOW/);
  });
});
