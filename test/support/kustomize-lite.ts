import { readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/**
 * Renders a kustomization the way `kubectl apply -k` does, for the subset of kustomize that
 * deploy/kubernetes uses, so that the manifests can be checked without kubectl or a cluster.
 * Anything outside that subset is an error rather than being skipped, so a kustomization that
 * starts to use more fails its test until this renderer learns it.
 *
 * Supported: resources (files and kustomization folders), namespace, labels (metadata only),
 * images (newName/newTag), configMapGenerator (files, literals) with
 * generatorOptions.disableNameSuffixHash, and patches given by path or inline as strategic merge
 * patches (maps merge, `null` deletes a key, the lists of containers, env, volumes and
 * volumeMounts merge by `name`, other lists are replaced).
 */

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'configMapGenerator', 'generatorOptions', 'patches']);
const MERGE_BY_NAME = new Set(['containers', 'initContainers', 'env', 'volumes', 'volumeMounts']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PriorityClass', 'StorageClass']);

export class KustomizeError extends Error {}

function isMap(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every YAML document of a file (comments and empty documents dropped). */
export function readObjects(path: string): K8sObject[] {
  const documents = parseAllDocuments(readFileSync(path, 'utf8'));
  return documents
    .map((doc) => {
      if (doc.errors.length) throw new KustomizeError(`${path}: ${doc.errors[0].message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/** A strategic merge patch, for the list and map shapes described above. */
export function strategicMerge(base: Json, patch: Json, field = ''): Json {
  if (Array.isArray(patch) && Array.isArray(base) && MERGE_BY_NAME.has(field)) {
    const merged = base.map((item) => structuredClone(item));
    for (const item of patch) {
      if (!isMap(item) || typeof item.name !== 'string') throw new KustomizeError(`patch: items of ${field} need a name`);
      const at = merged.findIndex((m) => isMap(m) && m.name === item.name);
      if (at === -1) merged.push(item);
      else merged[at] = strategicMerge(merged[at], item, field);
    }
    return merged;
  }
  if (isMap(patch) && isMap(base)) {
    const merged: Record<string, Json> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith('$')) throw new KustomizeError(`patch directive ${key} is not supported here`);
      if (value === null) delete merged[key];
      else merged[key] = key in base ? strategicMerge(base[key], value, key) : value;
    }
    return merged;
  }
  return patch;
}

function podSpecs(object: K8sObject): Record<string, Json>[] {
  const spec = object.spec as Record<string, Json> | undefined;
  const template = isMap(spec?.template) ? spec.template : undefined;
  return isMap(template?.spec) ? [template.spec] : [];
}

function setImages(objects: K8sObject[], images: { name: string; newName?: string; newTag?: string }[]): void {
  for (const object of objects) {
    for (const pod of podSpecs(object)) {
      for (const list of ['containers', 'initContainers']) {
        for (const container of (pod[list] as Record<string, Json>[] | undefined) ?? []) {
          const image = String(container.image);
          const name = image.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
          const rule = images.find((i) => i.name === name);
          if (!rule) continue;
          const tag = rule.newTag ?? (image.slice(name.length).replace(/^:/, '') || undefined);
          container.image = `${rule.newName ?? name}${tag ? `:${tag}` : ''}`;
        }
      }
    }
  }
}

/** Renders the kustomization in `dir` into the objects `kubectl apply -k dir` would send. */
export function renderKustomization(dir: string): K8sObject[] {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((n) => join(dir, n)).find((p) => statSync(p, { throwIfNoEntry: false }));
  if (!file) throw new KustomizeError(`${dir}: no kustomization.yaml`);
  const k = parse(readFileSync(file, 'utf8')) as Record<string, any>;
  for (const key of Object.keys(k)) if (!SUPPORTED.has(key)) throw new KustomizeError(`${file}: '${key}' is not supported by this renderer`);
  if (k.kind !== 'Kustomization') throw new KustomizeError(`${file}: kind must be Kustomization`);

  const objects: K8sObject[] = [];
  for (const entry of (k.resources ?? []) as string[]) {
    const path = resolve(dir, entry);
    if (statSync(path).isDirectory()) objects.push(...renderKustomization(path));
    else objects.push(...readObjects(path));
  }

  const generators = (k.configMapGenerator ?? []) as { name: string; files?: string[]; literals?: string[]; behavior?: string }[];
  if (generators.length && k.generatorOptions?.disableNameSuffixHash !== true) {
    throw new KustomizeError(`${file}: name suffix hashes are not implemented here; set generatorOptions.disableNameSuffixHash`);
  }
  for (const g of generators) {
    if (g.behavior && g.behavior !== 'create') throw new KustomizeError(`${file}: configMapGenerator behavior '${g.behavior}' is not supported`);
    const data: Record<string, string> = {};
    for (const spec of g.files ?? []) {
      const [key, path] = spec.includes('=') ? spec.split('=', 2) : [basename(spec), spec];
      const full = resolve(dir, path);
      if (!full.startsWith(resolve(dir) + '/')) throw new KustomizeError(`${file}: ${spec} is outside the kustomization folder`);
      data[key] = readFileSync(full, 'utf8');
    }
    for (const literal of g.literals ?? []) {
      const at = literal.indexOf('=');
      data[literal.slice(0, at)] = literal.slice(at + 1);
    }
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: g.name }, data });
  }

  for (const entry of (k.patches ?? []) as { path?: string; patch?: string; target?: unknown; options?: unknown }[]) {
    if (entry.target || entry.options) throw new KustomizeError(`${file}: patch targets and options are not supported here`);
    const patches = entry.path ? readObjects(resolve(dir, entry.path)) : parseAllDocuments(entry.patch ?? '').map((d) => d.toJS() as K8sObject);
    for (const patch of patches) {
      const at = objects.findIndex((o) => o.apiVersion === patch.apiVersion && o.kind === patch.kind && o.metadata.name === patch.metadata?.name);
      if (at === -1) throw new KustomizeError(`${file}: patch ${entry.path ?? ''} matches no ${patch.kind} ${patch.metadata?.name}`);
      objects[at] = strategicMerge(objects[at] as unknown as Json, patch as unknown as Json) as unknown as K8sObject;
    }
  }

  if (k.namespace) {
    for (const object of objects) if (!CLUSTER_SCOPED.has(object.kind)) object.metadata = { ...object.metadata, namespace: k.namespace };
  }
  for (const rule of (k.labels ?? []) as { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[]) {
    if (rule.includeSelectors || rule.includeTemplates) throw new KustomizeError(`${file}: labels.includeSelectors/includeTemplates are not supported here`);
    for (const object of objects) object.metadata = { ...object.metadata, labels: { ...object.metadata.labels, ...rule.pairs } };
  }
  if (k.images) setImages(objects, k.images);
  return objects;
}
