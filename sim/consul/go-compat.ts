/**
 * The few bits of Go's standard library whose behaviour (and error wording) leaks through
 * Consul's HTTP API: time.ParseDuration, encoding/json into a struct, and base64.StdEncoding.
 */

const DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
const DURATION = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;

/** time.ParseDuration ("300ms", "1m30s", "-2s", "0"); undefined where Go returns an error. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) total += Number(amount) * DURATION_UNITS_MS[unit];
  return text.startsWith('-') ? -total : total;
}

/** An error worded like the one Go's encoding/json returns. */
export class GoJsonError extends Error {}

export type GoField = 'string' | 'strings' | 'stringMap' | GoStruct;
export interface GoStruct {
  /** Qualified Go type, e.g. "api.PeeringGenerateTokenRequest". */
  type: string;
  fields: Record<string, GoField>;
}

/**
 * Decodes JSON into a described Go struct the way encoding/json does: field names match
 * case-insensitively, unknown fields are ignored (or refused, as with the decoder's
 * DisallowUnknownFields that Consul's HTTP handlers use), null leaves the zero value (here: absent), and
 * a type mismatch fails with Go's message. `decoder` mimics json.NewDecoder(r).Decode (what
 * Consul uses for request bodies), `unmarshal` mimics json.Unmarshal (used for peering tokens).
 * Syntax errors are worded like Go's; the offending character is exact for the common cases
 * (garbage at the start, truncated input), an approximation for the rest.
 */
export function decodeGoStruct(
  text: string,
  struct: GoStruct,
  mode: 'decoder' | 'unmarshal',
  options: { disallowUnknownFields?: boolean } = {},
): Record<string, unknown> {
  const value = parseJson(text, mode);
  if (value === null) return {};
  if (jsonKind(value) !== 'object') {
    throw new GoJsonError(`json: cannot unmarshal ${jsonKind(value)} into Go value of type ${struct.type}`);
  }
  return convertStruct(value as Record<string, unknown>, struct, shortName(struct.type), options.disallowUnknownFields ?? false);
}

function parseJson(text: string, mode: 'decoder' | 'unmarshal'): unknown {
  if (text.trim() === '') throw new GoJsonError(mode === 'decoder' ? 'EOF' : 'unexpected end of JSON input');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new GoJsonError(describeSyntaxError(text, (err as Error).message, mode));
  }
}

function describeSyntaxError(text: string, message: string, mode: 'decoder' | 'unmarshal'): string {
  if (/end of JSON input/.test(message)) return mode === 'decoder' ? 'unexpected EOF' : 'unexpected end of JSON input';
  const position = /position (\d+)/.exec(message);
  const offset = position ? Number(position[1]) : text.length - text.trimStart().length;
  return `invalid character '${text[offset]}' looking for beginning of value`;
}

/** Go's decoder keeps the first error in document order and reports it once the value is read. */
function convertStruct(input: Record<string, unknown>, struct: GoStruct, path: string, strict: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fieldNames = Object.keys(struct.fields);
  for (const [key, value] of Object.entries(input)) {
    const field = fieldNames.find((name) => name === key) ?? fieldNames.find((name) => name.toLowerCase() === key.toLowerCase());
    if (!field && strict) throw new GoJsonError(`json: unknown field ${JSON.stringify(key)}`);
    if (!field || value === null) continue;
    out[field] = convertField(value, struct.fields[field], `${path}.${field}`, strict);
  }
  return out;
}

function convertField(value: unknown, field: GoField, path: string, strict = false): unknown {
  if (field === 'string') return expectKind(value, 'string', 'string', path);
  if (field === 'strings') {
    return (expectKind(value, 'array', '[]string', path) as unknown[]).map((item) => expectKind(item, 'string', 'string', path));
  }
  if (field === 'stringMap') {
    const map = expectKind(value, 'object', 'map[string]string', path) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(map).map(([key, item]) => [key, expectKind(item, 'string', 'string', path)]));
  }
  return convertStruct(expectKind(value, 'object', field.type, path) as Record<string, unknown>, field, path, strict);
}

function expectKind(value: unknown, kind: string, goType: string, path: string): unknown {
  if (jsonKind(value) !== kind) {
    throw new GoJsonError(`json: cannot unmarshal ${jsonKind(value)} into Go struct field ${path} of type ${goType}`);
  }
  return value;
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return value === null ? 'null' : typeof value;
}

function shortName(goType: string): string {
  return goType.slice(goType.lastIndexOf('.') + 1);
}

/**
 * base64.StdEncoding.DecodeString: strict alphabet and padding (Node's decoder silently skips
 * garbage). Throws the offset Go would report in "illegal base64 data at input byte N".
 */
export function decodeStdBase64(text: string): Buffer {
  const illegal = text.search(/[^A-Za-z0-9+/=]/);
  if (illegal >= 0) throw new Base64Error(illegal);
  const padding = text.indexOf('=');
  if (padding >= 0 && !/^={1,2}$/.test(text.slice(padding))) throw new Base64Error(padding);
  if (text.length % 4 !== 0) throw new Base64Error(text.length - (text.length % 4));
  return Buffer.from(text, 'base64');
}

export class Base64Error extends Error {
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
  }
}
