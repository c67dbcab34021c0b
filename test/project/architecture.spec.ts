import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The import rules of docs/architecture.md, checked on the source: layers only point down,
 * product knowledge stays in src/products/<product>/, events never import webhooks, and the
 * production code never imports the simulators.
 */
const root = resolve(import.meta.dirname, '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [relative(root, path)] : [];
  });
}

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: Import[] = [];
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'/gms)) {
    found.push({ from: file, to: relative(root, resolve(dirname(join(root, file)), m[3])).replace(/\.js$/, '.ts'), typeOnly: Boolean(m[2]) });
  }
  for (const m of text.matchAll(/^import\s+'(\.[^']+)'/gm)) {
    found.push({ from: file, to: relative(root, resolve(dirname(join(root, file)), m[1])).replace(/\.js$/, '.ts'), typeOnly: false });
  }
  return found;
}

/**
 * The folders of src/ in layers, lowest first (docs/architecture.md draws them). A file may import
 * its own folder, the other folders of its layer and any folder of a lower layer; nothing else.
 * Every folder is in exactly one layer: a new folder fails the test until it is placed.
 */
const LAYERS: [string, string[]][] = [
  ['kernel', ['common']],
  ['configuration', ['config']],
  ['domain', ['domain']],
  ['infrastructure', ['redis', 'transport']],
  ['stores', ['stores']],
  ['queues', ['queues']],
  ['products', ['products']],
  ['orchestration', ['orchestration', 'reconciler']],
  [
    'features',
    [
      'access',
      'auth',
      'idempotency',
      'clusters',
      'operations',
      'events',
      'webhooks',
      'secrets',
      'peerings',
      'approvals',
      'watch',
      'observability',
      'console',
      'mcp',
    ],
  ],
  ['workers', ['jobs']],
  ['edge', ['health', 'http']],
  ['entry', ['(root)', 'sandbox']],
];

/** The top-level folder of a file under src/ (a file directly in src/ is `(root)`). */
function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length === 2 ? '(root)' : parts[1];
}

function layerOf(file: string): number {
  const index = LAYERS.findIndex(([, folders]) => folders.includes(folderOf(file)));
  if (index < 0) throw new Error(`${folderOf(file)} (of ${file}) is in no layer`);
  return index;
}

const source = files(join(root, 'src'));
const imports = source.flatMap(importsOf).filter((i) => i.to.startsWith('src/'));

/** The folder graph's circles, as the folders of each (depth-first search; none expected). */
function folderCircles(): string[] {
  const edges = new Map<string, Set<string>>();
  for (const i of imports) {
    const [a, b] = [folderOf(i.from), folderOf(i.to)];
    if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b));
  }
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next].join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

describe('architecture', () => {
  it('has every folder of src/ in a layer', () => {
    for (const file of source) expect(() => layerOf(file)).not.toThrow();
  });

  it('imports only point down the layers, or across within one', () => {
    const upward = imports
      .filter((i) => layerOf(i.to) > layerOf(i.from))
      .map((i) => `${i.from} (${LAYERS[layerOf(i.from)][0]}) -> ${i.to} (${LAYERS[layerOf(i.to)][0]})`);
    expect(upward).toEqual([]);
  });

  it('has no circle of folders (within a layer either)', () => {
    expect(folderCircles()).toEqual([]);
  });

  it("keeps each product's knowledge in its folder: outside src/products/, only the products' shared port and registry are imported", () => {
    const shared = /^src\/products\/(index|port|product-plugin|product-registry|product-property|products\.module|handshake-extension)\.ts$/;
    const reaching = imports.filter((i) => !i.from.startsWith('src/products/') && i.to.startsWith('src/products/') && !shared.test(i.to));
    expect(reaching.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  it('lets no product import another', () => {
    const product = (file: string) => /^src\/products\/([^/]+)\//.exec(file)?.[1];
    const crossing = imports.filter((i) => product(i.from) && product(i.to) && product(i.from) !== product(i.to));
    expect(crossing.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  it('publishes events without knowing their subscribers (the domain events and the stores never import webhooks)', () => {
    const reaching = imports.filter((i) => /^src\/(domain|stores|events)\//.test(i.from) && i.to.startsWith('src/webhooks/'));
    expect(reaching.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  it('keeps the simulators off the production path: only the sandbox entry imports sim/', () => {
    const all = source.flatMap(importsOf);
    const simulators = all.filter((i) => i.to.startsWith('sim/') && !i.from.startsWith('src/sandbox/'));
    expect(simulators.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });
});

describe('product names', () => {
  /** Every .ts file under src/ (specs too) outside the products' folder and the sandbox entry, which registers the simulated clusters. */
  function neutralFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      const file = relative(root, path);
      if (/^src\/(products|sandbox)(\/|$)/.test(file)) return [];
      if (statSync(path).isDirectory()) return neutralFiles(path);
      return name.endsWith('.ts') ? [file] : [];
    });
  }

  it('are written only in src/products/ (and the sandbox registration): the rest of src/ names no product', () => {
    // The products are their folders' names (ontap, consul...): a new product is checked without a change here.
    const ids = readdirSync(join(root, 'src', 'products')).filter((name) => statSync(join(root, 'src', 'products', name)).isDirectory());
    expect(ids).toEqual(expect.arrayContaining(['ontap', 'consul']));
    const named = new RegExp(ids.join('|'), 'i');
    const hits = neutralFiles(join(root, 'src')).flatMap((file) =>
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (named.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(hits).toEqual([]);
  });
});
