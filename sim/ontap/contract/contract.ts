import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * NetApp's published ONTAP 9.6 REST definition (Swagger 2.0, kept in sim/ontap/contract/), and a
 * check of a JSON answer against one of its definitions, for the simulator suites.
 */
export type Schema = { $ref?: string; type?: string; enum?: unknown[]; properties?: Record<string, Schema>; items?: Schema; description?: string };
export const CONTRACT = parse(readFileSync(join(process.cwd(), 'sim', 'ontap', 'contract', 'ontap-9.6-cluster-peers-subset.yaml'), 'utf8')) as {
  definitions: Record<string, Schema>;
  paths: Record<string, Record<string, { responses: Record<string, Schema> }>>;
};

/** Where `value` strays from the contract's definition: wrong types, values outside an enum, unknown fields. */
export function contractProblems(value: unknown, definition: string, allowedExtras: string[] = []): string[] {
  const problems: string[] = [];
  const walk = (node: unknown, schema: Schema, path: string): void => {
    while (schema.$ref) schema = CONTRACT.definitions[schema.$ref.replace('#/definitions/', '')];
    if (schema.enum && !schema.enum.includes(node)) problems.push(`${path}: ${JSON.stringify(node)} is not one of ${schema.enum.join(', ')}`);
    const type = schema.type ?? (schema.properties ? 'object' : undefined);
    if (type === 'object') {
      if (typeof node !== 'object' || node === null || Array.isArray(node)) return void problems.push(`${path}: not an object`);
      for (const [key, child] of Object.entries(node)) {
        const childSchema = schema.properties?.[key];
        if (childSchema) walk(child, childSchema, `${path}.${key}`);
        else if (!allowedExtras.includes(`${path}.${key}`)) problems.push(`${path}.${key}: not in the contract`);
      }
    } else if (type === 'array') {
      if (!Array.isArray(node)) return void problems.push(`${path}: not an array`);
      node.forEach((item) => walk(item, schema.items ?? {}, `${path}[]`));
    } else if (type === 'string' && typeof node !== 'string') problems.push(`${path}: not a string`);
    else if (type === 'integer' && !Number.isInteger(node)) problems.push(`${path}: not an integer`);
    else if (type === 'boolean' && typeof node !== 'boolean') problems.push(`${path}: not a boolean`);
  };
  walk(value, CONTRACT.definitions[definition], '$');
  return problems;
}
