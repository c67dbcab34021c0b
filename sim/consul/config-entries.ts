import { createHash } from 'node:crypto';
import { type SimHandler, type SimRequest, type SimResponse, type SimRouter } from '../shared/http-server.js';
import { badRequest, forbidden, texts } from './errors.js';

/**
 * Consul's ACLs as far as the simulator needs them: `aclToken` may do everything; each token of
 * `aclTokens` only what its list grants (`peering:write`, `mesh:read`...; write implies read).
 * Without `aclToken` the datacenter has no ACLs.
 */
export interface AclSpec {
  aclToken?: string;
  aclTokens?: Record<string, string[]>;
}

export function checkAcl(req: SimRequest, permission: string, acl: AclSpec): void {
  if (acl.aclToken === undefined) return;
  const presented = presentedToken(req);
  if (presented === acl.aclToken) return;
  const granted = presented ? acl.aclTokens?.[presented] : undefined;
  const [resource, access] = permission.split(':');
  if (granted && (granted.includes(permission) || (access === 'read' && granted.includes(`${resource}:write`)))) return;
  throw forbidden(presented ? texts.tokenDenied(accessorIdOf(presented), permission) : texts.anonymousDenied(permission));
}

/** Where Consul looks for the ACL token: X-Consul-Token, Authorization: Bearer, then ?token=. */
export function presentedToken(req: SimRequest): string | undefined {
  const header = req.headers['x-consul-token'];
  if (typeof header === 'string' && header !== '') return header;
  const bearer = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '');
  if (bearer) return bearer[1];
  return req.query.get('token') || undefined;
}

/** A stable made-up AccessorID for a token the simulator does not accept, shaped like Consul's UUIDs. */
export function accessorIdOf(token: string): string {
  const hex = createHash('sha256').update(token).digest('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join('-');
}

export interface ServiceConsumer {
  Peer?: string;
  Partition?: string;
  SamenessGroup?: string;
}

export interface ExportedService {
  Name: string;
  Namespace?: string;
  Consumers: ServiceConsumer[];
}

/** The `exported-services` config entry of one partition, as Consul stores and answers it. */
export interface ExportedServicesEntry {
  Kind: 'exported-services';
  Name: string;
  Services: ExportedService[];
  Meta?: Record<string, string>;
  CreateIndex: number;
  ModifyIndex: number;
}

/** A writer that is not the caller, for the `raceNext` control: it wins the next check-and-set once. */
export interface ConcurrentWrite {
  service: string;
  peer: string;
}

/**
 * The config entries of one datacenter: only `exported-services` (one per partition), with
 * Consul's check-and-set (`PUT /v1/config?cas=<ModifyIndex>` answers `false` when someone wrote
 * since; `cas=0` writes only a new entry) and the time each consumer was added, so the peering
 * stream can carry an export a little later, as it does on Consul.
 */
export class ConfigEntryStore {
  private readonly entries = new Map<string, ExportedServicesEntry>();
  /** When each (partition, service, peer) consumer appeared: the stream carries it `propagationMs` later. */
  private readonly since = new Map<string, number>();
  private index = 1000;
  raceNext: ConcurrentWrite | null = null;

  constructor(private readonly propagationMs: () => number) {}

  get(partition: string): ExportedServicesEntry | undefined {
    const entry = this.entries.get(partition);
    return entry ? structuredClone(entry) : undefined;
  }

  /** Writes the entry; with `cas`, only when the stored ModifyIndex is `cas` (0: only when there is none). */
  put(partition: string, services: ExportedService[], meta: Record<string, string> | undefined, cas: number | undefined): boolean {
    if (cas !== undefined && this.raceNext) {
      const race = this.raceNext;
      this.raceNext = null;
      this.concurrentWrite(partition, race);
    }
    const current = this.entries.get(partition);
    if (cas !== undefined && (current ? current.ModifyIndex !== cas : cas !== 0)) return false;
    const index = ++this.index;
    this.entries.set(partition, {
      Kind: 'exported-services',
      Name: partition,
      Services: structuredClone(services),
      ...(meta ? { Meta: { ...meta } } : {}),
      CreateIndex: current?.CreateIndex ?? index,
      ModifyIndex: index,
    });
    this.touch(partition, services);
    return true;
  }

  delete(partition: string, cas: number | undefined): boolean {
    const current = this.entries.get(partition);
    if (cas !== undefined && (!current || current.ModifyIndex !== cas)) return false;
    this.entries.delete(partition);
    return true;
  }

  /** The services exported to a peer (by this datacenter's name for the peering) that the stream carries by now. */
  /** Whether any partition has an exported-services entry (none: nothing is exported to anyone). */
  hasEntries(): boolean {
    return this.entries.size > 0;
  }

  exportedTo(partition: string, peer: string, now: number): string[] {
    const entry = this.entries.get(partition);
    if (!entry) return [];
    return entry.Services.filter((s) =>
      s.Consumers.some((c) => c.Peer === peer && now >= (this.since.get(key(partition, s.Name, peer)) ?? now) + this.propagationMs()),
    )
      .map((s) => s.Name)
      .sort();
  }

  private concurrentWrite(partition: string, race: ConcurrentWrite): void {
    const current = this.entries.get(partition);
    const services = structuredClone(current?.Services ?? []);
    const service = services.find((s) => s.Name === race.service);
    if (service) service.Consumers.push({ Peer: race.peer });
    else services.push({ Name: race.service, Consumers: [{ Peer: race.peer }] });
    this.put(partition, services, current?.Meta, undefined);
  }

  private touch(partition: string, services: ExportedService[]): void {
    const live = new Set<string>();
    for (const service of services)
      for (const consumer of service.Consumers) {
        if (!consumer.Peer) continue;
        const k = key(partition, service.Name, consumer.Peer);
        live.add(k);
        if (!this.since.has(k)) this.since.set(k, Date.now());
      }
    for (const k of [...this.since.keys()]) if (k.startsWith(`${partition}\n`) && !live.has(k)) this.since.delete(k);
  }
}

const key = (partition: string, service: string, peer: string): string => `${partition}\n${service}\n${peer}`;

/** The registered services of the catalog, by name with their tags (GET /v1/catalog/services). */
export class Catalog {
  readonly services = new Map<string, string[]>([['consul', []]]);

  constructor(names: string[]) {
    for (const name of names) this.services.set(name, []);
  }
}

const CONSUMER_FIELDS = new Set(['Peer', 'PeerName', 'Partition', 'SamenessGroup']);

/** Decodes the body of PUT /v1/config for an exported-services entry the way Consul's decoder does (it refuses unknown fields). */
function decodeEntry(text: string): { kind: string; name: string; services: ExportedService[]; meta?: Record<string, string> } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw badRequest(texts.bodyDecodingFailed((err as Error).message));
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badRequest('Request decoding failed: body must be a config entry');
  const body = raw as Record<string, unknown>;
  const kind = String(body.Kind ?? body.kind ?? '');
  const name = String(body.Name ?? body.name ?? '');
  if (!kind) throw badRequest('Request decoding failed: Payload does not contain a kind/Kind key at the top level');
  if (kind !== 'exported-services') throw badRequest(`Request decoding failed: config entry kind "${kind}" is not supported by this simulator`);
  const services = (body.Services ?? []) as unknown;
  if (!Array.isArray(services)) throw badRequest('Request decoding failed: Services must be a list');
  const decoded = services.map((s: Record<string, unknown>) => {
    if (typeof s?.Name !== 'string' || s.Name === '') throw badRequest('Invalid Config Entry: Service name cannot be empty');
    const consumers = (s.Consumers ?? []) as Record<string, unknown>[];
    if (!Array.isArray(consumers) || consumers.length === 0) {
      throw badRequest(`Invalid Config Entry: service "${s.Name}" must have at least one consumer`);
    }
    return {
      Name: s.Name,
      ...(typeof s.Namespace === 'string' ? { Namespace: s.Namespace } : {}),
      Consumers: consumers.map((c) => {
        const unknown = Object.keys(c).find((k) => !CONSUMER_FIELDS.has(k));
        if (unknown) throw badRequest(`Request decoding failed: json: unknown field "${unknown}"`);
        // 1.13 called it PeerName; later releases read both and write Peer.
        const peer = (c.Peer ?? c.PeerName) as string | undefined;
        return {
          ...(peer ? { Peer: peer } : {}),
          ...(c.Partition ? { Partition: String(c.Partition) } : {}),
          ...(c.SamenessGroup ? { SamenessGroup: String(c.SamenessGroup) } : {}),
        };
      }),
    };
  });
  return { kind, name, services: decoded, meta: body.Meta as Record<string, string> | undefined };
}

function casOf(req: SimRequest): number | undefined {
  const raw = req.query.get('cas');
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) throw badRequest(`Failed to parse cas parameter: strconv.ParseUint: parsing "${raw}": invalid syntax`);
  return Number(raw);
}

/**
 * The config-entry and catalog API: GET/DELETE /v1/config/exported-services/:partition, PUT
 * /v1/config (mesh:write; reads need mesh:read), GET /v1/catalog/services; and the controls
 * PUT /_sim/config/race {service, peer} (a concurrent writer wins the next check-and-set, once)
 * and PUT /_sim/catalog {services: [...]}.
 */
export function registerConfigRoutes(
  router: SimRouter,
  store: ConfigEntryStore,
  catalog: Catalog,
  acl: AclSpec,
  guard: (handler: (req: SimRequest) => SimResponse) => SimHandler,
): void {
  const partitionOf = (req: SimRequest) => req.query.get('partition') || 'default';
  router.add(
    'GET',
    '/v1/config/exported-services/:name',
    guard((req) => {
      checkAcl(req, 'mesh:read', acl);
      const entry = store.get(req.params.name);
      if (!entry) return { status: 404, body: `Config entry not found for "exported-services" / "${req.params.name}"` };
      return { status: 200, body: entry, headers: { 'X-Consul-Index': String(entry.ModifyIndex) } };
    }),
  );
  router.add(
    'PUT',
    '/v1/config',
    guard((req) => {
      const entry = decodeEntry(req.body);
      checkAcl(req, 'mesh:write', acl);
      const partition = entry.name || partitionOf(req);
      if (partition !== partitionOf(req) && req.query.get('partition')) throw badRequest('Invalid Config Entry: Name must match the partition');
      return { status: 200, body: store.put(partition, entry.services, entry.meta, casOf(req)) };
    }),
  );
  router.add(
    'DELETE',
    '/v1/config/exported-services/:name',
    guard((req) => {
      checkAcl(req, 'mesh:write', acl);
      const cas = casOf(req);
      const done = store.delete(req.params.name, cas);
      return { status: 200, body: cas === undefined ? {} : done };
    }),
  );
  router.add(
    'GET',
    '/v1/catalog/services',
    guard((req) => {
      checkAcl(req, 'service:read', acl);
      return { status: 200, body: Object.fromEntries(catalog.services), headers: { 'X-Consul-Index': '1' } };
    }),
  );
  router.add('PUT', '/_sim/config/race', (req) => {
    const input = req.body ? (JSON.parse(req.body) as Partial<ConcurrentWrite>) : {};
    store.raceNext = { service: input.service ?? 'billing', peer: input.peer ?? 'another-peer' };
    return { status: 200, body: store.raceNext };
  });
  router.add('PUT', '/_sim/catalog', (req) => {
    const input = (req.body ? JSON.parse(req.body) : {}) as { services?: unknown };
    if (!Array.isArray(input.services) || !input.services.every((s) => typeof s === 'string')) {
      return { status: 400, body: { error: 'services must be a list of names' } };
    }
    catalog.services.clear();
    catalog.services.set('consul', []);
    for (const name of input.services as string[]) catalog.services.set(name, []);
    return { status: 200, body: Object.fromEntries(catalog.services) };
  });
}
