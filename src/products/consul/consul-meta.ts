import { ValidateBy } from 'class-validator';
import { isPlainObject, quote } from '../../common/labels.js';

/* Consul's limits on peering `Meta` (its metadata rules, structs.ValidateMetadata): string values, bounded keys and values, no reserved prefix. */

export const MAX_META_PAIRS = 64;
export const MAX_META_KEY = 128;
export const MAX_META_VALUE = 512;
const META_KEY = /^[A-Za-z0-9_-]+$/;

export const META_RULES = `at most ${MAX_META_PAIRS} pairs; keys of 1-${MAX_META_KEY} characters [A-Za-z0-9_-], not starting "consul-"; string values of at most ${MAX_META_VALUE} characters`;

export function consulMetaViolation(value: unknown): string | null {
  if (!isPlainObject(value)) return 'must be an object of strings, e.g. {"env": "prod"}';
  const keys = Object.keys(value);
  if (keys.length > MAX_META_PAIRS) return `must have at most ${MAX_META_PAIRS} pairs, got ${keys.length}`;
  for (const key of keys) {
    if (key.length > MAX_META_KEY || !META_KEY.test(key)) return `key ${quote(key)}: must be 1-${MAX_META_KEY} characters [A-Za-z0-9_-]`;
    if (key.toLowerCase().startsWith('consul-')) return `key ${quote(key)}: keys starting "consul-" are reserved by Consul`;
    const v = value[key];
    if (typeof v !== 'string') return `key ${quote(key)}: the value must be a string`;
    if (v.length > MAX_META_VALUE) return `key ${quote(key)}: the value must be at most ${MAX_META_VALUE} characters`;
  }
  return null;
}

/** Consul peering metadata, by the rules above. */
export function IsConsulMeta(): PropertyDecorator {
  return ValidateBy({
    name: 'isConsulMeta',
    validator: {
      validate: (value: unknown) => consulMetaViolation(value) === null,
      defaultMessage: (args) => `${args?.property ?? 'meta'} ${consulMetaViolation(args?.value)}`,
    },
  });
}
