import { describe, expect, it } from '@jest/globals';
import { Ajv, type ValidateFunction } from 'ajv';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { parse } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { loadClustersFile } from '../../src/clusters/clusters-file.js';
import { type K8sObject, readObjects, renderKustomization } from '../support/kustomize-lite.js';

/**
 * The deployment files (docker-compose.yml, deploy/kubernetes) checked without Docker or a
 * cluster: the kustomizations are rendered (test/support/kustomize-lite.ts), every Kubernetes
 * object is validated against the Kubernetes API schemas shipped in `kubernetes-models` (types,
 * required fields, enums) and, for unknown fields, against its TypeScript types (the excess
 * property check plays kubeconform's strict mode); docker-compose.yml against the Compose
 * specification (deploy/schemas/compose-spec.json). Then the references between the pieces:
 * names of ConfigMaps and Secrets, selectors and labels, probes and ports, and every environment
 * variable being a real setting.
 */
const root = resolve(import.meta.dirname, '..', '..');
const at = (...parts: string[]) => join(root, ...parts);
const read = (...parts: string[]) => readFileSync(at(...parts), 'utf8');

// ---------------------------------------------------------------------------------------------
// The settings the gateway knows: read by src/config/gateway-config.ts (and the watch settings
// beside it), and listed in the settings table of docs/configuration.md.

function tableNames(markdown: string, heading: RegExp): Set<string> {
  const names = new Set<string>();
  const start = markdown.search(heading);
  if (start === -1) throw new Error(`no section ${heading}`);
  const lines = markdown.slice(start).split('\n').slice(1);
  const table = lines.slice(lines.findIndex((l) => l.startsWith('|')));
  for (const line of table) {
    if (!line.startsWith('|')) break;
    for (const m of line.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(m[1]);
  }
  return names;
}

const configSource = read('src', 'config', 'gateway-config.ts');
const readByConfig = new Set([...configSource.matchAll(/env\.([A-Z][A-Z0-9_]+)|\(env, '([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1] ?? m[2]));
const inDocs = tableNames(read('docs', 'configuration.md'), /^## Settings/m);
const settings = new Set([...readByConfig, ...inDocs]);

/** Names a clusters file gives in passwordFromEnv / tokenFromEnv: cluster secrets, set by the deployment. */
function clusterSecretNames(path: string): Set<string> {
  const doc = parse(readFileSync(path, 'utf8')) as { clusters: { auth?: Record<string, string> }[] };
  return new Set(doc.clusters.flatMap((c) => Object.entries(c.auth ?? {}).flatMap(([k, v]) => (k.endsWith('FromEnv') ? [v] : []))));
}

// ---------------------------------------------------------------------------------------------
// Kubernetes validation.

type Model = { validate(): void };
const MODELS: Record<string, new (data: any) => Model> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};
const TYPES: Record<string, [string, string]> = {
  'v1/ConfigMap': ['kubernetes-models/v1/ConfigMap', 'IConfigMap'],
  'v1/Secret': ['kubernetes-models/v1/Secret', 'ISecret'],
  'v1/Service': ['kubernetes-models/v1/Service', 'IService'],
  'apps/v1/Deployment': ['kubernetes-models/apps/v1/Deployment', 'IDeployment'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-models/policy/v1/PodDisruptionBudget', 'IPodDisruptionBudget'],
};

const describeObject = (o: K8sObject) => `${o.kind}/${o.metadata?.name}`;

/** Schema errors of one object (types, required fields, enums, formats), or [] when valid. */
function schemaErrors(object: K8sObject): string[] {
  const model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!model) return [`${describeObject(object)}: ${object.apiVersion} ${object.kind} has no schema here (add it to MODELS and TYPES)`];
  try {
    new model(object).validate();
    return [];
  } catch (err) {
    return [`${describeObject(object)}: ${(err as Error).message}`];
  }
}

/**
 * Fields the Kubernetes API does not know (a misspelt `readinessprobe` is dropped by the API
 * server without a word): each object is type-checked as a literal of its kubernetes-models
 * interface, whose excess property check reports any unknown field.
 */
function unknownFieldErrors(objects: K8sObject[]): string[] {
  const imports = new Map<string, string>();
  const spans: { object: K8sObject; start: number; end: number }[] = [];
  let body = '';
  objects.forEach((object, i) => {
    const type = TYPES[`${object.apiVersion}/${object.kind}`];
    if (!type) return;
    imports.set(type[1], type[0]);
    const start = body.length;
    body += `export const o${i}: ${type[1]} = ${JSON.stringify(object, null, 1)};\n`;
    spans.push({ object, start, end: body.length });
  });
  const head = [...imports].map(([name, from]) => `import type { ${name} } from '${from}';\n`).join('');
  const text = head + body;
  const fileName = at('test', '__rendered_manifests__.ts');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => (name === fileName ? ts.createSourceFile(name, text, language) : getSourceFile(name, language, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const position = (d.start ?? 0) - head.length;
    const span = spans.find((s) => position >= s.start && position < s.end);
    return `${span ? describeObject(span.object) : d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

// ---------------------------------------------------------------------------------------------
// The objects.

const kube = at('deploy', 'kubernetes');
const base = renderKustomization(join(kube, 'base'));
const example = renderKustomization(join(kube, 'overlays', 'example'));
const [secretExample] = readObjects(join(kube, 'secret.example.yaml'));

const find = (objects: K8sObject[], kind: string, name: string): any => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const deployments = (objects: K8sObject[]): any[] => objects.filter((o) => o.kind === 'Deployment');
const containersOf = (deployment: any): any[] => deployment.spec.template.spec.containers;
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Broken references between objects; the Secret is the operator's, shaped like secret.example.yaml. */
function referenceErrors(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  const all = [...objects, secretExample];
  const dataOf = (kind: string, name: string): Record<string, string> | undefined => {
    const o: any = all.find((x) => x.kind === kind && x.metadata.name === name);
    return o ? { ...o.data, ...o.stringData } : undefined;
  };
  for (const d of deployments(objects)) {
    const where = describeObject(d);
    if (!matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels)) errors.push(`${where}: selector does not match its pod labels`);
    const pod = d.spec.template.spec;
    for (const v of pod.volumes ?? []) {
      if (v.configMap && !dataOf('ConfigMap', v.configMap.name))
        errors.push(`${where}: volume ${v.name} names ConfigMap ${v.configMap.name}, which does not exist`);
      if (v.secret && !dataOf('Secret', v.secret.secretName))
        errors.push(`${where}: volume ${v.name} names Secret ${v.secret.secretName}, which does not exist`);
    }
    for (const c of containersOf(d)) {
      for (const source of c.envFrom ?? []) {
        if (source.configMapRef && !dataOf('ConfigMap', source.configMapRef.name))
          errors.push(`${where}: envFrom names ConfigMap ${source.configMapRef.name}, which does not exist`);
        if (source.secretRef && !dataOf('Secret', source.secretRef.name))
          errors.push(`${where}: envFrom names Secret ${source.secretRef.name}, which does not exist`);
      }
      for (const e of c.env ?? []) {
        for (const [ref, kind] of [
          [e.valueFrom?.configMapKeyRef, 'ConfigMap'],
          [e.valueFrom?.secretKeyRef, 'Secret'],
        ] as const) {
          if (ref && !(ref.key in (dataOf(kind, ref.name) ?? {})))
            errors.push(`${where}: env ${e.name} names ${kind} ${ref.name} key ${ref.key}, which does not exist`);
        }
      }
      for (const m of c.volumeMounts ?? []) {
        if (!(pod.volumes ?? []).some((v: any) => v.name === m.name)) errors.push(`${where}: volumeMount ${m.name} has no volume`);
      }
    }
  }
  for (const s of objects.filter((o: any) => o.kind === 'Service') as any[]) {
    const targets = deployments(objects).filter((d) => matches(s.spec.selector, d.spec.template.metadata.labels));
    if (targets.length !== 1) errors.push(`${describeObject(s)}: selector matches ${targets.length} Deployments`);
    for (const p of s.spec.ports) {
      const named = targets.flatMap(containersOf).flatMap((c) => c.ports ?? []);
      if (!named.some((cp: any) => cp.name === p.targetPort || cp.containerPort === p.targetPort))
        errors.push(`${describeObject(s)}: targetPort ${p.targetPort} is no container port`);
    }
  }
  for (const pdb of objects.filter((o: any) => o.kind === 'PodDisruptionBudget') as any[]) {
    const targets = deployments(objects).filter((d) => matches(pdb.spec.selector.matchLabels, d.spec.template.metadata.labels));
    if (targets.length !== 1) errors.push(`${describeObject(pdb)}: selector matches ${targets.length} Deployments`);
  }
  return errors;
}

/** Environment variable names set by the manifests (ConfigMap keys, env, the Secret's keys). */
function envNames(objects: K8sObject[]): Set<string> {
  const names = new Set<string>(Object.keys((secretExample as any).stringData ?? {}));
  for (const d of deployments(objects)) {
    for (const c of containersOf(d)) {
      for (const e of c.env ?? []) names.add(e.name);
      for (const source of c.envFrom ?? []) {
        if (source.configMapRef) for (const key of Object.keys(find(objects, 'ConfigMap', source.configMapRef.name).data ?? {})) names.add(key);
      }
    }
  }
  return names;
}

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  const all: [string, K8sObject[]][] = [
    ['base', base],
    ['overlays/example', example],
    ['secret.example.yaml', [secretExample]],
  ];

  it.each(all)('%s: every object is valid against the Kubernetes API schemas', (_name, objects) => {
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.flatMap(schemaErrors)).toEqual([]);
  });

  it('no object has a field the Kubernetes API does not know', () => {
    expect(unknownFieldErrors([...base, ...example, secretExample])).toEqual([]);
  });

  it('the validators report a wrong field type, a missing required field and an unknown field', () => {
    const api = structuredClone(find(example, 'Deployment', 'peering-gateway-api'));
    api.spec.replicas = 'two';
    expect(schemaErrors(api).join('\n')).toMatch(/spec\/replicas must be integer/);

    const service = structuredClone(find(base, 'Service', 'peering-gateway-api'));
    delete service.spec.ports[0].port;
    expect(schemaErrors(service).join('\n')).toMatch(/spec\/ports\/0 must have required property '?port'?/);

    const worker = structuredClone(find(base, 'Deployment', 'peering-gateway-worker'));
    worker.spec.template.spec.containers[0].readinessprobe = worker.spec.template.spec.containers[0].readinessProbe;
    expect(schemaErrors(worker)).toEqual([]); // the API schemas allow unknown fields...
    expect(unknownFieldErrors([worker]).join('\n')).toMatch(/readinessprobe"' does not exist in type 'IContainer'/); // ...the strict check does not
  });

  it('renders what the README describes: two API and two worker replicas, a Service, budgets, no Secret', () => {
    for (const objects of [base, example]) {
      expect(objects.map(describeObject).sort()).toEqual(
        [
          'ConfigMap/peering-gateway-clusters',
          'ConfigMap/peering-gateway-probes',
          'ConfigMap/peering-gateway-settings',
          'Deployment/peering-gateway-api',
          'Deployment/peering-gateway-worker',
          'PodDisruptionBudget/peering-gateway-api',
          'PodDisruptionBudget/peering-gateway-worker',
          'Service/peering-gateway-api',
        ].sort(),
      );
      const role = (d: any) => containersOf(d)[0].env.find((e: any) => e.name === 'GATEWAY_ROLE')?.value;
      expect(deployments(objects).map((d) => [d.metadata.name, d.spec.replicas, role(d)])).toEqual([
        ['peering-gateway-api', 2, 'api'],
        ['peering-gateway-worker', 2, 'worker'],
      ]);
    }
    expect(example.every((o) => o.metadata.namespace === 'peering-gateway')).toBe(true);
    expect(deployments(example).map((d) => containersOf(d)[0].image)).toEqual(Array(2).fill('registry.example.com/platform/peering-gateway:0.1.0'));
  });

  it('the placeholders of secret.example.yaml are marked as such and not part of any kustomization', () => {
    expect(secretExample.metadata.name).toBe('peering-gateway-secrets');
    expect(read('deploy', 'kubernetes', 'secret.example.yaml')).toMatch(/^# EXAMPLE ONLY/);
    for (const value of Object.values((secretExample as any).stringData as Record<string, string>)) expect(value).toMatch(/REPLACE-ME/);
  });

  it.each([
    ['base', base],
    ['overlays/example', example],
  ])('%s: names, selectors and ports refer to objects that exist', (_name, objects) => {
    expect(referenceErrors(objects)).toEqual([]);
  });

  it('a broken reference is reported', () => {
    const broken = structuredClone(example);
    containersOf(find(broken, 'Deployment', 'peering-gateway-worker'))[0].envFrom[1].secretRef.name = 'peering-gateway-secret';
    find(broken, 'PodDisruptionBudget', 'peering-gateway-api').spec.selector.matchLabels['app.kubernetes.io/component'] = 'apis';
    expect(referenceErrors(broken)).toEqual([
      'Deployment/peering-gateway-worker: envFrom names Secret peering-gateway-secret, which does not exist',
      'PodDisruptionBudget/peering-gateway-api: selector matches 0 Deployments',
    ]);
  });

  it.each([
    ['base', base],
    ['overlays/example', example],
  ])('%s: the API is probed on /healthz and /readyz at its container port, which is PORT', (_name, objects) => {
    const api = find(objects, 'Deployment', 'peering-gateway-api');
    const [container] = containersOf(api);
    const port = Number(find(objects, 'ConfigMap', 'peering-gateway-settings').data.PORT ?? 8080);
    const resolvePort = (p: string | number) => (typeof p === 'number' ? p : container.ports.find((cp: any) => cp.name === p)?.containerPort);
    expect(container.ports.map((p: any) => p.containerPort)).toEqual([port]);
    for (const [probe, path] of [
      ['livenessProbe', '/healthz'],
      ['readinessProbe', '/readyz'],
      ['startupProbe', '/healthz'],
    ]) {
      expect([container[probe].httpGet.path, resolvePort(container[probe].httpGet.port)]).toEqual([path, port]);
    }
  });

  it.each([
    ['base', base],
    ['overlays/example', example],
  ])('%s: the worker, which serves no HTTP, is probed by exec, with the probe script mounted from its ConfigMap', (_name, objects) => {
    const worker = find(objects, 'Deployment', 'peering-gateway-worker');
    const [container] = containersOf(worker);
    expect(container.ports).toBeUndefined();
    expect(container.livenessProbe.exec.command.slice(0, 2)).toEqual(['node', '-e']);
    expect(() => new Function(container.livenessProbe.exec.command[2])).not.toThrow();
    const script = container.readinessProbe.exec.command[1] as string;
    const mount = container.volumeMounts.find((m: any) => script.startsWith(`${m.mountPath}/`));
    const volume = worker.spec.template.spec.volumes.find((v: any) => v.name === mount.name);
    const configMap = find(objects, 'ConfigMap', volume.configMap.name);
    expect(configMap.data[script.slice(mount.mountPath.length + 1)]).toBe(read('deploy', 'kubernetes', 'base', 'redis-ping.cjs'));
  });

  it.each([
    ['base', base],
    ['overlays/example', example],
  ])('%s: pods run as non-root on a read-only root file system, with requests and limits', (_name, objects) => {
    for (const d of deployments(objects)) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: expect.any(Number) });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
        expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
        expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
      }
    }
  });

  it.each([
    ['base', base],
    ['overlays/example', example],
  ])('%s: every environment variable is a gateway setting or a cluster secret named by the clusters file', async (_name, objects) => {
    const settingsMap = find(objects, 'ConfigMap', 'peering-gateway-settings').data;
    const clustersPath = settingsMap.GATEWAY_CLUSTERS_FILE as string;
    const api = find(objects, 'Deployment', 'peering-gateway-api');
    const mount = containersOf(api)[0].volumeMounts.find((m: any) => clustersPath.startsWith(`${m.mountPath}/`));
    const volume = api.spec.template.spec.volumes.find((v: any) => v.name === mount.name);
    const clustersYaml = find(objects, 'ConfigMap', volume.configMap.name).data[clustersPath.slice(mount.mountPath.length + 1)];
    expect(clustersYaml).toBe(read('deploy', 'kubernetes', 'base', 'clusters.yaml'));

    const clusterSecrets = clusterSecretNames(at('deploy', 'kubernetes', 'base', 'clusters.yaml'));
    const unknown = [...envNames(objects)].filter((name) => !settings.has(name) && !clusterSecrets.has(name));
    expect(unknown).toEqual([]);
    // Each cluster secret the file names is a key of the Secret, and the file is one the gateway accepts.
    expect([...clusterSecrets].filter((name) => !(name in (secretExample as any).stringData))).toEqual([]);
    const env = { ...(secretExample as any).stringData };
    await expect(loadClustersFile(at('deploy', 'kubernetes', 'base', 'clusters.yaml'), env)).resolves.toHaveLength(4);
    expect(settingsMap.GATEWAY_SANDBOX).toBe('false');
  });

  it('the Secret carries the settings that are secret, and the gateway reads the Redis topology settings', () => {
    expect(Object.keys((secretExample as any).stringData)).toEqual(expect.arrayContaining(['GATEWAY_ADMIN_TOKEN', 'GATEWAY_ENCRYPTION_KEY']));
    expect([...readByConfig]).toEqual(
      expect.arrayContaining([
        'REDIS_URL',
        'GATEWAY_ROLE',
        'GATEWAY_CLUSTERS_FILE',
        'GATEWAY_ENCRYPTION_KEY',
        'REDIS_SENTINELS',
        'REDIS_SENTINEL_NAME',
        'REDIS_CLUSTER_NODES',
      ]),
    );
    const overlaySettings = find(example, 'ConfigMap', 'peering-gateway-settings').data;
    expect(overlaySettings).toMatchObject({
      REDIS_SENTINEL_NAME: expect.any(String),
      REDIS_SENTINELS: expect.stringMatching(/^([\w.-]+:\d+)(,[\w.-]+:\d+)*$/),
    });
    expect(overlaySettings.REDIS_URL).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// docker-compose.yml

const composeSchemaText = read('deploy', 'schemas', 'compose-spec.json');
let composeValidator: ValidateFunction | undefined;
function composeErrors(document: unknown): string[] {
  if (!composeValidator) {
    // The file names the draft-07 meta-schema by its https address; Ajv knows draft-07 as its default.
    const { $schema: _metaSchema, ...schema } = JSON.parse(composeSchemaText) as Record<string, unknown>;
    composeValidator = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  return composeValidator(document) ? [] : (composeValidator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as any;
const envFile = (path: string) =>
  Object.fromEntries(
    readFileSync(at(path), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.trim().startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  ) as Record<string, string>;

describe('docker-compose.yml', () => {
  it('the vendored Compose specification schema is the one deploy/schemas/README.md names', () => {
    const digest = createHash('sha256').update(composeSchemaText).digest('hex');
    expect(read('deploy', 'schemas', 'README.md')).toContain(digest);
  });

  it('is valid against the Compose specification', () => {
    expect(composeErrors(compose)).toEqual([]);
  });

  it('the validator reports a wrong field type and an unknown field', () => {
    const broken = structuredClone(compose);
    broken.services.worker.deploy.replicas = [2];
    broken.services.api.healthchek = broken.services.api.healthcheck;
    const errors = composeErrors(broken).join('\n');
    expect(errors).toMatch(/\/services\/worker\/deploy\/replicas must be integer,string/);
    expect(errors).toMatch(/\/services\/api must NOT have additional properties.*healthchek/);
  });

  it('runs Redis with AOF, the simulators, two API and two worker replicas from the gateway image, and one published API port', () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual(['api', 'lb', 'redis', 'sim', 'worker']);
    expect(s.redis.command.join(' ')).toMatch(/--appendonly yes/);
    expect(s.sim.build.target).toBe('simulators');
    for (const [name, role] of [
      ['api', 'api'],
      ['worker', 'worker'],
    ]) {
      expect([s[name].build.target, s[name].deploy.replicas, s[name].environment.GATEWAY_ROLE]).toEqual(['gateway', 2, role]);
      expect(s[name].ports).toBeUndefined(); // replicas cannot share a host port: nginx (lb) publishes it
    }
    expect(s.lb.ports).toEqual(['8080:8080']);
    expect(read('deploy', 'compose', 'nginx.conf')).toMatch(/proxy_pass \$api;[\s\S]*/);
    expect(read('deploy', 'compose', 'nginx.conf')).toContain('set $api http://api:8080;');
    expect(readFileSync(at('Dockerfile'), 'utf8')).toMatch(/AS gateway[\s\S]*EXPOSE 8080/);
  });

  it('waits on health: every service_healthy dependency has a healthcheck, and each role is checked the way it can answer', () => {
    const s = compose.services;
    for (const [name, service] of Object.entries<any>(s)) {
      for (const [dep, condition] of Object.entries<any>(service.depends_on ?? {})) {
        expect([name, dep, dep in s]).toEqual([name, dep, true]);
        if (condition.condition === 'service_healthy') expect([name, dep, Boolean(s[dep].healthcheck)]).toEqual([name, dep, true]);
      }
    }
    expect(s.api.depends_on).toMatchObject({ redis: { condition: 'service_healthy' }, sim: { condition: 'service_healthy' } });
    expect(s.worker.depends_on).toMatchObject({ redis: { condition: 'service_healthy' } });
    expect(s.lb.depends_on).toMatchObject({ api: { condition: 'service_healthy' } });
    expect(s.api.healthcheck.test.join(' ')).toContain('http://127.0.0.1:8080/readyz');
    // The worker role serves no HTTP: its check is the Redis probe, mounted from the Kubernetes base.
    expect(s.worker.healthcheck.test).toEqual(['CMD', 'node', '/etc/peering-gateway/probes/redis-ping.cjs']);
    expect(s.worker.volumes).toContain('./deploy/kubernetes/base/redis-ping.cjs:/etc/peering-gateway/probes/redis-ping.cjs:ro');
  });

  it('every bind-mounted file exists, and every variable is a setting or a cluster secret the clusters file names', async () => {
    for (const service of Object.values<any>(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = String(volume).split(':')[0];
        if (source.startsWith('.')) expect([source, existsSync(at(source))]).toEqual([source, true]);
      }
    }
    const required = compose.services.api.env_file.filter((f: any) => f.required !== false).map((f: any) => f.path);
    expect(required).toEqual(['deploy/compose/gateway.env']);
    const secrets = envFile('deploy/compose/gateway.env');
    const clustersFile = at('deploy', 'clusters.compose.yaml');
    const clusterSecrets = clusterSecretNames(clustersFile);
    for (const name of ['api', 'worker']) {
      const names = [...Object.keys(compose.services[name].environment), ...Object.keys(secrets)];
      expect(names.filter((n) => !settings.has(n) && !clusterSecrets.has(n))).toEqual([]);
    }
    expect(Buffer.from(secrets.GATEWAY_ENCRYPTION_KEY, 'base64')).toHaveLength(32);
    expect(secrets.GATEWAY_ADMIN_TOKEN).toBe('change-me-compose-token'); // the README's token
    await expect(loadClustersFile(clustersFile, secrets)).resolves.toHaveLength(4);
    expect(read('.gitignore')).toContain('deploy/compose/gateway.local.env');
  });
});

// ---------------------------------------------------------------------------------------------
// The worker's probe script, run as the container runs it.

describe('redis-ping.cjs (the worker health check)', () => {
  const script = at('deploy', 'kubernetes', 'base', 'redis-ping.cjs');
  /** Runs the script without blocking this process (the fake Redis below answers from it). */
  const run = (env: Record<string, string>) =>
    new Promise<{ status: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH, ...env }, cwd: root });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (status) => done({ status, stderr }));
    });

  /** Answers any command in RESP: +PONG to PING, +OK otherwise (enough for a client's handshake). */
  async function fakeRedis(): Promise<Server> {
    const server = createServer((socket) => {
      socket.on('data', (chunk) => {
        for (const m of chunk.toString().matchAll(/\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n/g)) socket.write(m[1].toUpperCase() === 'PING' ? '+PONG\r\n' : '+OK\r\n');
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return server;
  }

  it('exits 0 when Redis answers PING, 1 when nothing listens or nothing is configured', async () => {
    const server = await fakeRedis();
    const { port } = server.address() as { port: number };
    try {
      const ok = await run({ REDIS_URL: `redis://127.0.0.1:${port}` });
      expect([ok.status, ok.stderr]).toEqual([0, '']);
    } finally {
      await new Promise((done) => server.close(done));
    }
    const down = await run({ REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(down.status).toBe(1);
    const unset = await run({});
    expect([unset.status, unset.stderr]).toEqual([1, expect.stringMatching(/none of REDIS_URL/)]);
  });
});
