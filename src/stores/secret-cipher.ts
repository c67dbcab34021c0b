import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';

/** A stored secret that cannot be opened: tampered with, moved to another record, or sealed with an unknown key. */
export class SecretDecryptError extends Error {
  override readonly name = 'SecretDecryptError';
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface Key {
  id: string;
  key: Buffer;
}

/** A short, stable name for a key (not a secret: a hash prefix), written into each envelope. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('peering-gateway key id\0').update(key).digest('base64url').slice(0, 8);
}

/**
 * Every secret the gateway keeps in Redis is sealed with AES-256-GCM before it is written:
 * `v1:<kid>:<iv>:<tag>:<ciphertext>` (base64url parts). The current key (GATEWAY_ENCRYPTION_KEY)
 * seals; the current or the previous one (GATEWAY_ENCRYPTION_KEY_PREVIOUS) opens, chosen by the
 * key id. `context` names the record and field the secret belongs to and is authenticated
 * (GCM additional data), so a sealed value copied into another record does not open there.
 */
@Injectable()
export class SecretCipher {
  private readonly current: Key;
  private readonly keys = new Map<string, Key>();

  constructor(@Inject(GATEWAY_CONFIG) config: Pick<GatewayConfig, 'encryptionKey' | 'encryptionKeyPrevious'>) {
    if (!config.encryptionKey) throw new Error('GATEWAY_ENCRYPTION_KEY is not set: the gateway keeps no secret unencrypted');
    this.current = { id: keyId(config.encryptionKey), key: config.encryptionKey };
    this.keys.set(this.current.id, this.current);
    if (config.encryptionKeyPrevious) {
      const previous = { id: keyId(config.encryptionKeyPrevious), key: config.encryptionKeyPrevious };
      if (!this.keys.has(previous.id)) this.keys.set(previous.id, previous);
    }
  }

  /** The id of the key that seals now. */
  get currentKeyId(): string {
    return this.current.id;
  }

  static isSealed(value: string): boolean {
    return value.startsWith(`${VERSION}:`);
  }

  /** True when the value is sealed with the current key (nothing to re-seal after a rotation). */
  isCurrent(value: string): boolean {
    return value.startsWith(`${VERSION}:${this.current.id}:`);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join(':');
  }

  open(envelope: string, context: string): string {
    const parts = envelope.split(':');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretDecryptError(`a stored secret for ${context} is not a ${VERSION} envelope`);
    const [, id, iv, tag, ciphertext] = parts;
    const key = this.keys.get(id);
    if (!key) {
      throw new SecretDecryptError(
        `a stored secret for ${context} was sealed with key ${id}, which is neither GATEWAY_ENCRYPTION_KEY (${this.current.id}) nor GATEWAY_ENCRYPTION_KEY_PREVIOUS`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptError(`a stored secret for ${context} does not authenticate with key ${id}: it was altered or belongs elsewhere`);
    }
  }

  /**
   * Opens a stored value; a value that is not an envelope is a record written before secrets were
   * sealed, and is read as it is (the next write, or the re-seal at start, seals it).
   */
  openStored(value: string, context: string): string {
    return SecretCipher.isSealed(value) ? this.open(value, context) : value;
  }
}
