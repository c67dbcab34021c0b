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

/** Layers, highest first: a file may import its own layer and those below it. */
const LAYERS = ['entry', 'api', 'use cases', 'contracts', 'orchestration', 'products', 'stores and transport', 'kernel'] as const;
type Layer = (typeof LAYERS)[number];

/** Which layer a file is in: the first rule that matches (specific paths before file-name patterns). */
const RULES: [Layer, RegExp][] = [
  // The entries and the module wiring (each feature's *.module.ts names its controllers and providers).
  ['entry', /^src\/(main|bootstrap|gateway)\.ts$|^src\/sandbox\/|^src\/(?!products\/).*\.module\.ts$/],
  ['products', /^src\/products\//],
  // Models and pure rules that sit in feature folders.
  [
    'kernel',
    /^src\/common\/(?!problem\.filter|http-edges|openapi)|^src\/config\/gateway-config\.ts$|^src\/jobs\/(queues|backoff|worker-role)\.ts$|^src\/(webhooks\/webhook|events\/gateway-event|events\/domain-events)\.ts$/,
  ],
  ['stores and transport', /^src\/(redis|transport|events)\/|\.store\.ts$|-queue\.ts$|peering-transitions\.ts$/],
  // observability/: request logs and ids, /metrics, the queue view and the collectors behind them.
  ['api', /\.controller\.ts$|^src\/(auth|health|jobs|observability|mcp)\/|^src\/common\/(problem\.filter|http-edges|openapi)\.ts$/],
  ['contracts', /\.dto\.ts$/],
  ['orchestration', /^src\/orchestration\/|^src\/reconciler\//],
  ['use cases', /\.service\.ts$|^src\/(idempotency|webhooks|secrets)\/|^src\/config\/clusters-file\.ts$/],
  // Domain models beside their feature (peering.ts, cluster.ts, operation.ts...).
  ['kernel', /^src\/[a-z-]+\/[a-z-]+\.ts$/],
];

function layerOf(file: string): Layer {
  const rule = RULES.find(([, pattern]) => pattern.test(file));
  if (!rule) throw new Error(`${file} is in no layer`);
  return rule[0];
}

/** Higher is further up: entry is highest. */
const rank = (file: string) => LAYERS.length - LAYERS.indexOf(layerOf(file));

const source = files(join(root, 'src'));
const imports = source.flatMap(importsOf).filter((i) => i.to.startsWith('src/'));

describe('architecture', () => {
  it('has every source file in a layer', () => {
    for (const file of source) expect(() => layerOf(file)).not.toThrow();
  });

  it('imports only point down the layers (API -> use cases -> orchestration -> products -> stores and transport)', () => {
    const upward = imports.filter((i) => rank(i.to) > rank(i.from)).map((i) => `${i.from} (${layerOf(i.from)}) -> ${i.to} (${layerOf(i.to)})`);
    expect(upward).toEqual([]);
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

  it('publishes events without knowing their subscribers (events never import webhooks)', () => {
    const reaching = imports.filter((i) => i.from.startsWith('src/events/') && i.to.startsWith('src/webhooks/'));
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
