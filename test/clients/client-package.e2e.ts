import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Harness, startHarness } from '../support/harness.js';

const run = promisify(execFile);
const repo = resolve('.');
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');

/** Runs a command; its exit code and output, without throwing on a non-zero exit. */
async function attempt(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

async function must(command: string, args: string[], cwd: string): Promise<string> {
  const { code, output } = await attempt(command, args, cwd);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`);
  return output;
}

/** `npm pack` of a folder into `into`: the tarball's path. */
async function pack(folder: string, into: string): Promise<string> {
  const output = await must('npm', ['pack', folder, '--pack-destination', into, '--json', '--ignore-scripts'], repo);
  const [packed] = JSON.parse(output.slice(output.indexOf('['))) as { filename: string }[];
  return join(into, packed.filename);
}

/** The installed folders of a package's dependencies, transitively, as the repository's lock placed them. */
async function dependencyFolders(name: string, seen = new Set<string>()): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(repo, 'node_modules', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    if (seen.has(dependency)) continue;
    seen.add(dependency);
    await dependencyFolders(dependency, seen);
  }
  return [...seen].map((dependency) => join(repo, 'node_modules', dependency));
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022', 'DOM'],
    types: [],
    strict: true,
    skipLibCheck: false,
    outDir: 'out',
  },
};

/** What a user writes: list the peerings of a gateway whose URL and token come from the environment. */
const CONSUMER = `import { createGatewayClient, GatewayProblemError, must, type Peering } from 'peering-gateway-client';
declare const process: { env: Record<string, string | undefined> };

const client = createGatewayClient(process.env.GATEWAY_URL ?? '', process.env.GATEWAY_TOKEN ?? '');
const page = await must(client.GET('/v1/peerings', { params: { query: { limit: 100 } } }));
const names: string[] = page.items.map((p: Peering) => p.name);
const refused = await createGatewayClient(process.env.GATEWAY_URL ?? '', 'not-a-token').GET('/v1/peerings');
let status = 0;
try {
  await must(Promise.resolve(refused));
} catch (error) {
  if (error instanceof GatewayProblemError) status = error.status;
}
console.log(JSON.stringify({ names, refused: status }));
`;

const EXACT_BODIES = `import { createGatewayClient } from 'peering-gateway-client';

const client = createGatewayClient('http://localhost:8080', 'token');
export async function calls(): Promise<void> {
  await client.POST('/v1/peerings', {
    body: { name: 'east-west', local: { cluster: 'east' }, remote: { cluster: 'west' }, labels: { team: 'storage' }, ontap: { encryption: 'tls_psk' } },
    headers: { 'idempotency-key': 'k1' },
  });
  await client.PATCH('/v1/peerings/{id}', { params: { path: { id: 'p1' } }, body: { labels: { tier: 'gold' } } });
}
`;

/** Each must fail, naming the property the schema does not declare. */
const EXTRA_PROPERTIES: Record<string, string> = {
  lables: `await client.POST('/v1/peerings', { body: { name: 'east-west', local: { cluster: 'east' }, remote: { cluster: 'west' }, lables: { team: 'storage' } } });`,
  clusterName: `await client.POST('/v1/peerings', { body: { name: 'east-west', local: { cluster: 'east', clusterName: 'x' }, remote: { cluster: 'west' } } });`,
  state: `const read = { name: 'east-west', local: { cluster: 'east' }, remote: { cluster: 'west' }, state: 'ACTIVE' };
await client.POST('/v1/peerings', { body: read });`,
  priority: `await client.PATCH('/v1/peerings/{id}', { params: { path: { id: 'p1' } }, body: { labels: {}, priority: 1 } });`,
};

describe('the client package (peering-gateway-client) used from a project outside the repository', () => {
  let h: Harness;
  let project: string;
  beforeAll(async () => {
    h = await startHarness();
    project = await mkdtemp(join(tmpdir(), 'client-package-'));
    // The package as `npm pack` makes it (built just before), installed beside its dependency
    // packed from this repository's node_modules: the versions of the lock, and no network.
    await must('npm', ['run', 'build', '--workspace', 'clients/typescript'], repo);
    const client = await pack(join(repo, 'clients', 'typescript'), project);
    const dependencies = await Promise.all((await dependencyFolders('peering-gateway-client')).map((folder) => pack(folder, project)));
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'outside', private: true, type: 'module' }));
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    await must('npm', ['install', ...dependencies, client, '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], project);
  });
  afterAll(async () => {
    await h?.close();
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('packs only the built client, its types and its README', async () => {
    const installed = join(project, 'node_modules', 'peering-gateway-client');
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies).toEqual({ 'openapi-fetch': expect.any(String) });
    const listing = await must('npm', ['ls', '--all', '--json'], project);
    expect(listing).toContain('"openapi-fetch"');
    await expect(readFile(join(installed, 'README.md'), 'utf8')).resolves.toContain('createGatewayClient');
    await expect(readFile(join(installed, 'dist', 'schema.d.ts'), 'utf8')).resolves.toContain('"/v1/peerings"');
  });

  it('compiles against the package with tsc and lists the peerings of a real gateway', async () => {
    const created = await h.api('POST', '/v1/peerings', { name: 'from-outside', local: { cluster: 'consul-dc1' }, remote: { cluster: 'consul-dc2' } });
    expect(created.status).toBe(202);
    await writeFile(join(project, 'list.ts'), CONSUMER);
    await must(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
    const { code, output } = await attempt(process.execPath, [join('out', 'list.js')], project, { GATEWAY_URL: h.url, GATEWAY_TOKEN: h.token });
    expect({ code, output }).toEqual({ code: 0, output: expect.any(String) });
    const answer = JSON.parse(output) as { names: string[]; refused: number };
    expect(answer.names).toContain('from-outside');
    expect(answer.refused).toBe(401);
  });

  it('type-checks a body the schema describes', async () => {
    await writeFile(join(project, 'exact.ts'), EXACT_BODIES);
    const { code, output } = await attempt(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.json'], project);
    expect({ code, output }).toEqual({ code: 0, output: '' });
    await rm(join(project, 'exact.ts'));
  });

  it.each(Object.entries(EXTRA_PROPERTIES))('refuses a body with a property the schema does not declare (%s)', async (property, call) => {
    const file = `extra-${property}.ts`;
    await writeFile(
      join(project, file),
      `import { createGatewayClient } from 'peering-gateway-client';\nconst client = createGatewayClient('http://localhost:8080', 'token');\n${call}\n`,
    );
    const { code, output } = await attempt(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', 'tsconfig.json'], project);
    await rm(join(project, file));
    expect(code).not.toBe(0);
    expect(output).toContain(`${file}(`);
    expect(output).toContain(`"${property}"`);
  });
});
