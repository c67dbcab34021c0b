import { type SimHandler, type SimRequest, type SimResponse, type SimRouter } from '../shared/http-server.js';
import { type AclSpec, checkAcl } from './config-entries.js';
import { badRequest, ConsulHttpError, texts } from './errors.js';
import { decodeGoStruct, GoJsonError, type GoStruct, parseGoDuration } from './go-compat.js';
import { type Authorize, type ConsulSimSettings, type PeeringService } from './peering-service.js';

type Access = 'read' | 'write';

/** Consul's blocking query defaults: 5 minutes when no (or a non-positive) wait is given, at most 10. */
const DEFAULT_WAIT_MS = 5 * 60_000;
const MAX_WAIT_MS = 10 * 60_000;

const GENERATE_TOKEN_REQUEST: GoStruct = {
  type: 'api.PeeringGenerateTokenRequest',
  fields: { PeerName: 'string', Partition: 'string', Meta: 'stringMap', ServerExternalAddresses: 'strings' },
};
const ESTABLISH_REQUEST: GoStruct = {
  type: 'api.PeeringEstablishRequest',
  fields: { PeerName: 'string', PeeringToken: 'string', Partition: 'string', Meta: 'stringMap' },
};

interface GenerateTokenBody {
  PeerName?: string;
  Partition?: string;
  Meta?: Record<string, string>;
  ServerExternalAddresses?: string[];
}

interface EstablishBody {
  PeerName?: string;
  PeeringToken?: string;
  Partition?: string;
  Meta?: Record<string, string>;
}

/** The /v1/peering API. With ACLs, each call must present a token with peering:read / peering:write. */
export function registerPeeringRoutes(router: SimRouter, service: PeeringService, acl: AclSpec = {}): void {
  // The ACL check belongs to the RPC: the service calls it once the request is validated.
  const api = (access: Access, handler: (req: SimRequest, authorize: Authorize) => SimResponse | Promise<SimResponse>): SimHandler =>
    answerConsulErrors((req) => handler(req, () => authorize(req, access, acl)));
  router.add(
    'POST',
    '/v1/peering/token',
    api('write', (req, authz) => generateToken(service, req, authz)),
  );
  router.add(
    'POST',
    '/v1/peering/establish',
    api('write', (req, authz) => establish(service, req, authz)),
  );
  // Registered before /v1/peering/:name so that GET /v1/peering/token is Consul's 405, not a read of a peering named "token".
  for (const path of ['/v1/peering/token', '/v1/peering/establish']) {
    router.add('GET', path, methodNotAllowed);
    router.add('DELETE', path, methodNotAllowed);
  }
  const missingName = (): SimResponse => ({ status: 400, body: texts.mustSpecifyName });
  router.add('GET', '/v1/peering', missingName);
  router.add('DELETE', '/v1/peering', missingName);
  router.add(
    'GET',
    '/v1/peering/:name',
    api('read', (req, authz) => readPeering(service, req, authz)),
  );
  router.add(
    'DELETE',
    '/v1/peering/:name',
    api('write', (req, authz) => deletePeering(service, req, authz)),
  );
  router.add(
    'GET',
    '/v1/peerings',
    api('read', (req, authz) => listPeerings(service, req, authz)),
  );
}

const DURATION_SETTINGS = ['deleteDurationMs', 'activateAfterMs', 'heartbeatIntervalMs'] as const;
const FLAG_SETTINGS = ['peeringEnabled'] as const;

/**
 * Simulator controls beside the fault surface:
 * - GET/PUT /_sim/settings              {deleteDurationMs, activateAfterMs, heartbeatIntervalMs, peeringEnabled}
 * - GET /_sim/peerings[?partition=]     the raw stored records
 * - PUT /_sim/peerings/:name/stream[?partition=]
 *                                       {quiet?: boolean, lastHeardAgoMs?: number, failing?: boolean}
 */
export function registerControlRoutes(router: SimRouter, service: PeeringService, settings: ConsulSimSettings): void {
  router.add('GET', '/_sim/settings', () => ({ status: 200, body: settings }));
  router.add('PUT', '/_sim/settings', (req) => {
    const input = parseControlBody(req.body);
    const unknownKey = Object.keys(input).find(
      (key) => !(DURATION_SETTINGS as readonly string[]).includes(key) && !(FLAG_SETTINGS as readonly string[]).includes(key),
    );
    if (unknownKey) return { status: 400, body: { error: `unknown setting ${JSON.stringify(unknownKey)}` } };
    const invalid = DURATION_SETTINGS.find((key) => input[key] !== undefined && !(typeof input[key] === 'number' && input[key] >= 0));
    if (invalid) return { status: 400, body: { error: `${invalid} must be a non-negative number of milliseconds` } };
    const invalidFlag = FLAG_SETTINGS.find((key) => input[key] !== undefined && typeof input[key] !== 'boolean');
    if (invalidFlag) return { status: 400, body: { error: `${invalidFlag} must be true or false` } };
    for (const key of DURATION_SETTINGS) if (typeof input[key] === 'number') settings[key] = input[key];
    for (const key of FLAG_SETTINGS) if (typeof input[key] === 'boolean') settings[key] = input[key];
    return { status: 200, body: settings };
  });
  router.add('GET', '/_sim/peerings', (req) => ({
    status: 200,
    body: service.storedPeerings(req.query.get('partition') ?? undefined),
  }));
  router.add('PUT', '/_sim/peerings/:name/stream', (req) => {
    const input = parseControlBody(req.body);
    const partition = partitionOf(req);
    if (input.quiet !== undefined && typeof input.quiet !== 'boolean') return { status: 400, body: { error: 'quiet must be true or false' } };
    if (input.failing !== undefined && typeof input.failing !== 'boolean') return { status: 400, body: { error: 'failing must be true or false' } };
    if (input.lastHeardAgoMs !== undefined && !(typeof input.lastHeardAgoMs === 'number' && input.lastHeardAgoMs >= 0)) {
      return { status: 400, body: { error: 'lastHeardAgoMs must be a non-negative number of milliseconds' } };
    }
    try {
      if (typeof input.quiet === 'boolean') service.setStreamQuiet(req.params.name, input.quiet, partition, input.lastHeardAgoMs as number | undefined);
      if (typeof input.failing === 'boolean') service.setStreamFailing(req.params.name, input.failing, partition);
    } catch (err) {
      return { status: 404, body: { error: (err as Error).message } };
    }
    return { status: 200, body: service.storedPeerings(partition).find((peering) => peering.Name === req.params.name.toLowerCase()) };
  });
}

function parseControlBody(text: string): Record<string, unknown> {
  const value: unknown = text ? JSON.parse(text) : {};
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Consul's answer for a path no endpoint serves. */
export function notFound(req: SimRequest): SimResponse {
  return { status: 404, body: req.path.includes('/v1/') ? texts.unknownApiPath : texts.nonApiPath };
}

export function methodNotAllowed(req: SimRequest): SimResponse {
  return { status: 405, body: texts.methodNotAllowed(req.method) };
}

function generateToken(service: PeeringService, req: SimRequest, authorize: Authorize): SimResponse {
  const body = decodeBody<GenerateTokenBody>(req.body, GENERATE_TOKEN_REQUEST);
  if (!body.PeerName) throw badRequest(texts.peerNameRequiredForToken);
  const token = service.generateToken(
    {
      peerName: body.PeerName,
      partition: body.Partition || partitionOf(req),
      meta: body.Meta,
      serverExternalAddresses: body.ServerExternalAddresses,
    },
    authorize,
  );
  return { status: 200, body: { PeeringToken: token } };
}

function establish(service: PeeringService, req: SimRequest, authorize: Authorize): SimResponse {
  const body = decodeBody<EstablishBody>(req.body, ESTABLISH_REQUEST);
  if (!body.PeerName) throw badRequest(texts.peerNameRequiredForEstablish);
  if (!body.PeeringToken) throw badRequest(texts.peeringTokenRequired);
  service.establish(
    {
      peerName: body.PeerName,
      partition: body.Partition || partitionOf(req),
      peeringToken: body.PeeringToken,
      meta: body.Meta,
    },
    authorize,
  );
  return { status: 200, body: {} };
}

/** A missing name answers 404 without query meta: the handler returns before setting any header. */
async function readPeering(service: PeeringService, req: SimRequest, authorize: Authorize): Promise<SimResponse> {
  const partition = partitionOf(req);
  const name = req.params.name;
  service.read(partition, name, authorize);
  const index = await blockingIndex(service, req, () => service.readIndex(partition, name));
  const peering = service.read(partition, name, authorize);
  if (!peering) return { status: 404, body: texts.peeringNotFound(name) };
  return { status: 200, body: peering, headers: queryMeta(index) };
}

async function listPeerings(service: PeeringService, req: SimRequest, authorize: Authorize): Promise<SimResponse> {
  const partition = partitionOf(req);
  service.authorizeList(authorize);
  const index = await blockingIndex(service, req, () => service.listIndex(partition));
  return { status: 200, json: service.listJson(partition, authorize), headers: queryMeta(index) };
}

function deletePeering(service: PeeringService, req: SimRequest, authorize: Authorize): SimResponse {
  service.delete(partitionOf(req), req.params.name, authorize);
  return { status: 200 };
}

/**
 * Consul's blocking query: with ?index=N, hold the request while the index the read reports is
 * still <= N, until a stored change moves it or ?wait runs out. Returns the index to report.
 */
async function blockingIndex(service: PeeringService, req: SimRequest, currentIndex: () => number): Promise<number> {
  const { minIndex, waitMs } = parseBlocking(req.query);
  if (minIndex > 0 && currentIndex() <= minIndex) await service.waitForIndex(currentIndex, minIndex, waitMs);
  return currentIndex();
}

function parseBlocking(query: URLSearchParams): { minIndex: number; waitMs: number } {
  const wait = query.get('wait');
  const waitMs = wait ? parseGoDuration(wait) : DEFAULT_WAIT_MS;
  if (waitMs === undefined) throw badRequest(texts.invalidWait);
  const index = query.get('index');
  if (index && !/^\d+$/.test(index)) throw badRequest(texts.invalidIndex);
  return { minIndex: Number(index ?? 0), waitMs: waitMs <= 0 ? DEFAULT_WAIT_MS : Math.min(waitMs, MAX_WAIT_MS) };
}

function queryMeta(index: number): Record<string, string> {
  return { 'X-Consul-Index': String(index), 'X-Consul-KnownLeader': 'true', 'X-Consul-LastContact': '0' };
}

function partitionOf(req: SimRequest): string {
  return req.query.get('partition') || 'default';
}

function decodeBody<T>(text: string, struct: GoStruct): T {
  try {
    return decodeGoStruct(text, struct, 'decoder', { disallowUnknownFields: true }) as T;
  } catch (err) {
    if (err instanceof GoJsonError) throw badRequest(texts.bodyDecodingFailed(err.message));
    throw err;
  }
}

/** Consul writes every error as plain text with its status; anything else is a simulator bug. */
export function answerConsulErrors(handler: SimHandler): SimHandler {
  return async (req) => {
    try {
      return await handler(req);
    } catch (err) {
      if (err instanceof ConsulHttpError) return { status: err.status, body: err.message };
      throw err;
    }
  };
}

function authorize(req: SimRequest, access: Access, acl: AclSpec): void {
  checkAcl(req, `peering:${access}`, acl);
}
