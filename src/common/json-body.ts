import { type FieldError } from './problem.js';

export interface JsonBodyLimits {
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
  /** Most members of one object, or elements of one array. */
  maxMembers: number;
}

/**
 * Checks the shape of a JSON text before it is parsed into objects, in one pass over the
 * characters and constant memory per level: nesting deeper than `maxDepth` (validation recurses
 * per level, and thousands of levels overflow the stack) or a container with more than
 * `maxMembers` entries. Returns the rule broken, or null. Malformed JSON is left to the parser.
 */
export function jsonShapeViolation(text: string, limits: JsonBodyLimits): string | null {
  let depth = 0;
  // Commas seen in each open container (its members - 1).
  const commas: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    switch (c) {
      case 0x22: // "
        inString = true;
        break;
      case 0x7b: // {
      case 0x5b: // [
        if (++depth > limits.maxDepth) return `must not nest objects and arrays deeper than ${limits.maxDepth} levels`;
        commas.push(0);
        break;
      case 0x7d: // }
      case 0x5d: // ]
        depth--;
        commas.pop();
        break;
      case 0x2c: // ,
        if (commas.length > 0 && ++commas[commas.length - 1] >= limits.maxMembers) {
          return `must not have more than ${limits.maxMembers} members in one object or array`;
        }
        break;
    }
  }
  return null;
}

/**
 * `__proto__` as a key: JSON.parse keeps it as an own property, and object copies downstream
 * either drop it silently or treat it as the prototype. It is refused wherever it appears.
 * The walk is bounded by the depth already checked.
 */
export function prototypeKeyErrors(value: unknown, path = ''): FieldError[] {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => prototypeKeyErrors(item, path ? `${path}.${i}` : String(i)));
  const errors: FieldError[] = [];
  for (const key of Object.keys(value)) {
    const field = path ? `${path}.${key}` : key;
    if (key === '__proto__') errors.push({ field, message: '__proto__ is not an allowed key' });
    else errors.push(...prototypeKeyErrors((value as Record<string, unknown>)[key], field));
  }
  return errors;
}
