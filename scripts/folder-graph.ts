import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Prints the import graph of src/ folded to its top-level folders: every folder's imports, the
 * pairs of folders that import each other, and the circles (strongly connected components).
 * `npm run arch:graph` (after `npm run build`); `--json` prints the same as JSON.
 */
const root = resolve(import.meta.dirname, '..', '..');
const src = join(root, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The top-level folder of a file under src/ (a file directly in src/ is its own entry, `(root)`). */
function folderOf(path: string): string {
  const parts = relative(src, path).split('/');
  return parts.length === 1 ? '(root)' : parts[0];
}

function importedFiles(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)\s+(?:type\s+)?[^'";]*?from\s+'(\.[^']+)'/gms), ...text.matchAll(/^import\s+'(\.[^']+)'/gm)];
  return specifiers.map((m) => resolve(dirname(path), m[1]).replace(/\.js$/, '.ts')).filter((to) => to.startsWith(src + '/'));
}

const edges = new Map<string, Set<string>>();
for (const file of files(src)) {
  const from = folderOf(file);
  if (!edges.has(from)) edges.set(from, new Set());
  for (const to of importedFiles(file).map(folderOf)) if (to !== from) edges.get(from)!.add(to);
}

/** Tarjan's strongly connected components: every component of more than one folder is a circle. */
function circles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const indexes = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indexes.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexes.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indexes.get(next)!));
    }
    if (low.get(node) === indexes.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!indexes.has(node)) visit(node);
  return found;
}

const folders = [...edges.keys()].sort();
const mutual = folders.flatMap((a) => [...edges.get(a)!].filter((b) => a < b && edges.get(b)?.has(a)).map((b) => `${a} <-> ${b}`));
const found = circles(edges);

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ folders: Object.fromEntries(folders.map((f) => [f, [...edges.get(f)!].sort()])), mutual, circles: found }, null, 2));
} else {
  console.log(`${folders.length} folders of src/`);
  for (const folder of folders) console.log(`  ${folder.padEnd(14)} -> ${[...edges.get(folder)!].sort().join(', ') || '(nothing)'}`);
  console.log(`\n${mutual.length} pairs of folders that import each other${mutual.length ? ':' : ''}`);
  for (const pair of mutual) console.log(`  ${pair}`);
  console.log(`\n${found.length} circle(s)${found.length ? ':' : ''}`);
  for (const circle of found) console.log(`  ${circle.length} folders: ${circle.join(', ')}`);
}
