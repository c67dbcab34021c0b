import { ERRORS, ontapError } from '../errors.js';

/**
 * Shape checks for request bodies, answered as ONTAP does: 262179 for a field the request may
 * not carry, 262185 for a value of the wrong type.
 */

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function object(value: unknown, path: string): Json {
  if (!isObject(value)) throw ontapError(ERRORS.invalidValue, { target: path, detail: `"${path}" must be an object.` });
  return value;
}

export function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw ontapError(ERRORS.invalidValue, { target: path, detail: `"${path}" must be an array.` });
  return value;
}

export function allowOnly(value: Json, keys: string[], path = ''): Json {
  const extra = Object.keys(value).find((key) => !keys.includes(key));
  if (extra !== undefined) {
    const field = path ? `${path}.${extra}` : extra;
    throw ontapError(ERRORS.unexpectedArgument, { target: field, detail: `"${field}" cannot be set in this request.` });
  }
  return value;
}

export function optionalObject(parent: Json | undefined, key: string, keys: string[], path = key): Json | undefined {
  const value = parent?.[key];
  return value === undefined ? undefined : allowOnly(object(value, path), keys, path);
}

export function optionalString(parent: Json | undefined, key: string, path = key): string | undefined {
  const value = parent?.[key];
  if (value === undefined || typeof value === 'string') return value;
  throw ontapError(ERRORS.invalidValue, { target: path, detail: `"${path}" must be a string.` });
}

/** ONTAP takes numbers for string fields such as ports and protocols; they are kept as text. */
export function optionalText(parent: Json | undefined, key: string, path = key): string | undefined {
  const value = parent?.[key];
  if (typeof value === 'number') return String(value);
  return optionalString(parent, key, path);
}

export function optionalBoolean(parent: Json | undefined, key: string, path = key): boolean | undefined {
  const value = parent?.[key];
  if (value === undefined || typeof value === 'boolean') return value;
  throw ontapError(ERRORS.invalidValue, { target: path, detail: `"${path}" must be true or false.` });
}

export function optionalInteger(parent: Json | undefined, key: string, min: number, max: number, path = key): number | undefined {
  const value = parent?.[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw ontapError(ERRORS.invalidValue, { target: path, detail: `"${path}" must be an integer from ${min} to ${max}.` });
  }
  return value;
}

export function optionalEnum<T extends string>(parent: Json | undefined, key: string, values: readonly T[], path = key): T | undefined {
  const value = optionalString(parent, key, path);
  if (value === undefined || (values as readonly string[]).includes(value)) return value as T | undefined;
  throw ontapError(ERRORS.invalidValue, { target: path, detail: `"${value}" is not one of ${values.join(', ')}.` });
}

/** `{uuid?, name?}` references (svm, ipspace, certificate). */
export function optionalRef(parent: Json | undefined, key: string): { uuid?: string; name?: string } | undefined {
  const ref = optionalObject(parent, key, ['uuid', 'name', '_links']);
  if (!ref) return undefined;
  return { uuid: optionalString(ref, 'uuid', `${key}.uuid`), name: optionalString(ref, 'name', `${key}.name`) };
}

/** `return_records` of POST: false unless asked. */
export function returnRecords(query: URLSearchParams): boolean {
  const raw = query.get('return_records');
  if (raw === null || raw === 'false') return false;
  if (raw === 'true') return true;
  throw ontapError(ERRORS.invalidValue, { target: 'return_records', detail: 'return_records must be true or false.' });
}

/** The fields a GET names, split on commas. */
export function askedFields(query: URLSearchParams): string[] {
  return query
    .getAll('fields')
    .flatMap((value) => value.split(','))
    .map((field) => field.trim())
    .filter(Boolean);
}
