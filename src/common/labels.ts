/**
 * Labels follow Kubernetes' rules (a key is an optional DNS-subdomain prefix and `/`, then a
 * name), so they stay small and safe to copy into every event and webhook body.
 */
export const MAX_LABELS = 64;
const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export const LABEL_RULES =
  `at most ${MAX_LABELS} labels; a key is a name of 1-63 characters [A-Za-z0-9._-] starting and ending with a letter or digit, ` +
  'optionally after a DNS-subdomain prefix of at most 253 characters and "/"; a value is empty or follows the name rule';

/** Shows a caller's key in a message without echoing a huge one back. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 70 ? `${text.slice(0, 64)}...` : text);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first rule a label set breaks, or null. */
export function labelsViolation(value: unknown): string | null {
  if (!isPlainObject(value)) return 'must be an object of string labels, e.g. {"team": "storage"}';
  const keys = Object.keys(value);
  if (keys.length > MAX_LABELS) return `must have at most ${MAX_LABELS} labels, got ${keys.length}`;
  for (const key of keys) {
    const slash = key.indexOf('/');
    const prefix = slash === -1 ? null : key.slice(0, slash);
    const name = slash === -1 ? key : key.slice(slash + 1);
    if (prefix !== null && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
      return `key ${quote(key)}: the prefix before "/" must be a DNS subdomain of at most 253 characters (lower-case letters, digits, "-" and ".")`;
    }
    if (!NAME.test(name)) {
      return `key ${quote(key)}: the name must be 1-63 characters [A-Za-z0-9._-], starting and ending with a letter or digit`;
    }
    const label = value[key];
    if (typeof label !== 'string') return `key ${quote(key)}: the value must be a string`;
    if (label !== '' && !NAME.test(label)) {
      return `key ${quote(key)}: the value must be empty or 1-63 characters [A-Za-z0-9._-], starting and ending with a letter or digit`;
    }
  }
  return null;
}
