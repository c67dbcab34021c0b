/*
 * JSON Schema (2020-12, as MCP asks) from the OpenAPI 3.0 document the gateway serves: `$ref`s to
 * components become `$defs`, `nullable` becomes a union with null, `example` becomes `examples`,
 * and the root is an object (MCP requires `type: object` for input and output schemas).
 */

type Json = Record<string, unknown>;

export interface OpenApiDocument {
  paths: Record<string, Record<string, Json>>;
  components?: { schemas?: Record<string, unknown> };
}

export interface ToolSchema {
  type: 'object';
  [keyword: string]: unknown;
}

const COMPONENT = '#/components/schemas/';

/** `schema` (a fragment of `document`) as a self-contained JSON Schema object. */
export function toJsonSchema(document: OpenApiDocument, schema: unknown): ToolSchema {
  const components = document.components?.schemas ?? {};
  const defs: Json = {};
  const wanted: string[] = [];
  const convert = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(convert);
    if (!node || typeof node !== 'object') return node;
    const { nullable, example, discriminator: _discriminator, ...rest } = node as Json;
    const out: Json = {};
    for (const [keyword, value] of Object.entries(rest)) {
      if (keyword === '$ref' && typeof value === 'string' && value.startsWith(COMPONENT)) {
        const name = value.slice(COMPONENT.length);
        if (!wanted.includes(name)) wanted.push(name);
        out.$ref = `#/$defs/${name}`;
      } else if (keyword === 'properties' && value && typeof value === 'object') {
        // Property names are data, not keywords: only their schemas are converted.
        out.properties = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, convert(property)]));
      } else out[keyword] = convert(value);
    }
    if (example !== undefined) out.examples = [example];
    return nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
  };

  let root = schema as Json;
  // The root is inlined: a tool's schema must show its properties, not a reference.
  const reference = typeof root.$ref === 'string' ? root.$ref : undefined;
  if (reference?.startsWith(COMPONENT)) root = components[reference.slice(COMPONENT.length)] as Json;
  const converted = convert(root) as Json;
  for (let i = 0; i < wanted.length; i++) defs[wanted[i]] = convert(components[wanted[i]]);
  return { ...converted, type: 'object', ...(wanted.length > 0 && { $defs: defs }) };
}

/** The component schema `name` as a JSON Schema object. */
export function componentSchema(document: OpenApiDocument, name: string): ToolSchema {
  if (!document.components?.schemas?.[name]) throw new Error(`the OpenAPI document has no schema '${name}'`);
  return toJsonSchema(document, { $ref: `${COMPONENT}${name}` });
}

/** The operation at `method path`, and the schema of its successful JSON answer. */
export function operationOf(document: OpenApiDocument, method: string, path: string): { scopes: string[]; status: number; answer: ToolSchema } {
  const operation = document.paths[path]?.[method.toLowerCase()] as Json | undefined;
  if (!operation) throw new Error(`the OpenAPI document has no ${method} ${path}`);
  const responses = (operation.responses ?? {}) as Record<string, Json>;
  const [status, success] = Object.entries(responses).find(([code]) => /^2\d\d$/.test(code)) ?? ['200', undefined];
  const schema = (success?.content as Record<string, Json> | undefined)?.['application/json']?.schema;
  if (!schema) throw new Error(`${method} ${path} answers no JSON schema`);
  return { scopes: (operation['x-scopes'] as string[] | undefined) ?? [], status: Number(status), answer: toJsonSchema(document, schema) };
}
