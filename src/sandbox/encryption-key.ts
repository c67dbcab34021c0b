import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/gateway-config.js';

/**
 * The sandbox's own encryption key: generated once under the data directory (mode 0600, beside
 * the private Redis it protects) and read back at every start, so the sandbox's stored secrets
 * survive a restart. Outside the sandbox GATEWAY_ENCRYPTION_KEY is required instead.
 */
export function sandboxEncryptionKey(dataDir: string): { key: Buffer; path: string; generated: boolean } {
  const path = join(dataDir, 'encryption.key');
  mkdirSync(dataDir, { recursive: true });
  let generated = false;
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    generated = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  chmodSync(path, 0o600);
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32)
    throw new ConfigError(`${path} does not hold a 32-byte base64 key; remove it (with the sandbox data under ${dataDir}) to start afresh`);
  return { key, path, generated };
}
