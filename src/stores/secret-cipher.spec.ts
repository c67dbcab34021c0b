import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../config/gateway-config.js';
import { keyId, SecretCipher, SecretDecryptError } from './secret-cipher.js';

const cipher = (key: Buffer, previous?: Buffer) => new SecretCipher({ encryptionKey: key, encryptionKeyPrevious: previous });

describe('the secret cipher (AES-256-GCM envelopes)', () => {
  const key = randomBytes(32);

  it('seals into a v1 envelope naming its key, and opens it again', () => {
    const sealed = cipher(key).seal('netapp123 ünïcode', 'cluster:east-1:password');
    expect(sealed).toMatch(new RegExp(`^v1:${keyId(key)}:[\\w-]+:[\\w-]+:[\\w-]+$`));
    expect(sealed).not.toContain('netapp123');
    expect(cipher(key).open(sealed, 'cluster:east-1:password')).toBe('netapp123 ünïcode');
    // A fresh IV every time: the same secret never seals to the same text.
    expect(cipher(key).seal('x', 'c')).not.toBe(cipher(key).seal('x', 'c'));
  });

  it('opens with the previous key after a rotation, and seals only with the current one', () => {
    const oldKey = randomBytes(32);
    const sealedBefore = cipher(oldKey).seal('s3cret', 'ctx');
    const rotated = cipher(key, oldKey);
    expect(rotated.open(sealedBefore, 'ctx')).toBe('s3cret');
    expect(rotated.isCurrent(sealedBefore)).toBe(false);
    const resealed = rotated.seal('s3cret', 'ctx');
    expect(rotated.isCurrent(resealed)).toBe(true);
    expect(cipher(key).open(resealed, 'ctx')).toBe('s3cret');
  });

  it('detects tampering with any part of the envelope', () => {
    const sealed = cipher(key).seal('a secret worth stealing', 'ctx');
    const parts = sealed.split(':');
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index], 'base64url');
      bytes[0] ^= 1;
      const altered = parts.map((p, i) => (i === index ? bytes.toString('base64url') : p)).join(':');
      expect(() => cipher(key).open(altered, 'ctx')).toThrow(SecretDecryptError);
    }
    expect(() => cipher(key).open(`${sealed}:extra`, 'ctx')).toThrow(SecretDecryptError);
  });

  it('does not open a value moved to another record (the context is authenticated)', () => {
    const sealed = cipher(key).seal('pw', 'cluster:a:password');
    expect(() => cipher(key).open(sealed, 'cluster:b:password')).toThrow(/altered or belongs elsewhere/);
  });

  it('refuses a value sealed with a key it does not have, naming the key ids', () => {
    const sealed = cipher(randomBytes(32)).seal('pw', 'ctx');
    expect(() => cipher(key).open(sealed, 'ctx')).toThrow(/neither GATEWAY_ENCRYPTION_KEY/);
    // Same key id, another key (forged envelope): still refused.
    const forged = ['v1', keyId(key), ...sealed.split(':').slice(2)].join(':');
    expect(() => cipher(key).open(forged, 'ctx')).toThrow(SecretDecryptError);
  });

  it('reads a record written before sealing as it is', () => {
    expect(cipher(key).openStored('plain-old-password', 'ctx')).toBe('plain-old-password');
  });

  it('takes its keys from the settings: required outside the sandbox, 32 bytes of base64', () => {
    const k = randomBytes(32).toString('base64');
    const base = { GATEWAY_ADMIN_TOKEN: 't', GATEWAY_SANDBOX: 'false' };
    expect(loadConfig({ ...base, GATEWAY_ENCRYPTION_KEY: k }).encryptionKey).toEqual(Buffer.from(k, 'base64'));
    expect(() => loadConfig(base)).toThrow(/GATEWAY_ENCRYPTION_KEY is required outside sandbox mode/);
    expect(() => loadConfig({ GATEWAY_ADMIN_TOKEN: 't', GATEWAY_CLUSTERS_FILE: '/x.yaml' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, GATEWAY_ENCRYPTION_KEY: randomBytes(16).toString('base64') })).toThrow(/32 bytes/);
    expect(() => loadConfig({ ...base, GATEWAY_ENCRYPTION_KEY: 'not base64!' })).toThrow(/32 bytes/);
    expect(() => loadConfig({ ...base, GATEWAY_ENCRYPTION_KEY: k, GATEWAY_ENCRYPTION_KEY_PREVIOUS: 'short' })).toThrow(/PREVIOUS/);
    expect(loadConfig({ GATEWAY_ADMIN_TOKEN: 't' }).encryptionKey).toBeUndefined();
    expect(() => new SecretCipher({})).toThrow(/GATEWAY_ENCRYPTION_KEY is not set/);
  });
});
