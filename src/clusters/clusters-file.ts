import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { CreateClusterDto } from './cluster.dto.js';
import { flattenValidationErrors } from '../common/validation.js';
import { ConfigError } from '../config/gateway-config.js';

type RawCluster = Record<string, unknown> & { auth?: Record<string, unknown> };

/**
 * Secrets in the clusters file are named by environment variable (`passwordFromEnv`,
 * `tokenFromEnv`), so the file itself can be committed.
 */
function resolveSecrets(raw: RawCluster, index: number, env: NodeJS.ProcessEnv): RawCluster {
  const auth = { ...(raw.auth ?? {}) };
  for (const secret of ['password', 'token']) {
    const ref = auth[`${secret}FromEnv`];
    if (ref === undefined) continue;
    delete auth[`${secret}FromEnv`];
    const value = env[String(ref)];
    if (!value) throw new ConfigError(`clusters[${index}].auth.${secret}FromEnv names ${String(ref)}, which is not set`);
    auth[secret] = value;
  }
  return { ...raw, auth };
}

export async function validateClusterInputs(raws: unknown[], where: string): Promise<CreateClusterDto[]> {
  const dtos: CreateClusterDto[] = [];
  for (const [i, raw] of raws.entries()) {
    const dto = plainToInstance(CreateClusterDto, raw);
    const errors = flattenValidationErrors(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
    if (errors.length) throw new ConfigError(`${where}: clusters[${i}]: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    dtos.push(dto);
  }
  return dtos;
}

/** Reads a YAML or JSON file: either a list of clusters or `{ clusters: [...] }`. */
export async function loadClustersFile(path: string, env: NodeJS.ProcessEnv = process.env): Promise<CreateClusterDto[]> {
  let document: unknown;
  try {
    document = parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`GATEWAY_CLUSTERS_FILE ${path}: ${(err as Error).message}`);
  }
  const list = Array.isArray(document) ? document : (document as { clusters?: unknown })?.clusters;
  if (!Array.isArray(list)) throw new ConfigError(`GATEWAY_CLUSTERS_FILE ${path}: expected a list of clusters or { clusters: [...] }`);
  return validateClusterInputs(
    list.map((raw, i) => resolveSecrets(raw as RawCluster, i, env)),
    path,
  );
}
