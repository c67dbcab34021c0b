import type { SimHandler, SimRequest, SimResponse, SimRouter } from '../shared/http-server.js';
import type { OntapCluster } from './cluster.js';
import { collectionAnswer, selectFields } from './collection.js';
import { ERRORS, answeringErrors, ontapError } from './errors.js';
import { checkDeletable, commitCreate, commitPatch, deletePeer, draftRecord, requireRecord } from './handshake.js';
import { type JobRunner, jobLink } from './jobs.js';
import { peerView, setupResponse } from './peer-record.js';
import { parseBody, parseCreate, parsePatch } from './peer-rules.js';

export interface ApiContext {
  cluster: OntapCluster;
  jobs: JobRunner;
  credentials: { username: string; password: string };
}

/** `return_timeout` is capped at 120 s by the contract. */
const MAX_RETURN_TIMEOUT_S = 120;
/** A collection GET shows only the key, the name and the links unless `fields` asks for more. */
const PEER_DEFAULT_FIELDS = ['name'];

/** The ONTAP REST API of one simulated cluster: /api/cluster, /api/cluster/peers, /api/cluster/jobs. */
export function registerApi(router: SimRouter, ctx: ApiContext): void {
  const { cluster, jobs } = ctx;
  const route = (method: string, path: string, handler: SimHandler): void => {
    router.add(method, path, authenticated(ctx.credentials, answeringErrors(handler)));
  };

  route('GET', '/api/cluster', (req) => ok(selectFields(clusterView(cluster), req.query)));

  route('GET', '/api/cluster/peers', (req) => {
    const now = Date.now();
    const views = [...cluster.records.values()].map((record) => peerView(cluster, record, now));
    return ok(collectionAnswer('/api/cluster/peers', req.query, views, PEER_DEFAULT_FIELDS));
  });

  route('GET', '/api/cluster/peers/:uuid', (req) => ok(selectFields(peerView(cluster, requireRecord(cluster, req.params.uuid), Date.now()), req.query)));

  route('POST', '/api/cluster/peers', (req) => {
    const now = Date.now();
    const request = parseCreate(cluster, parseBody(req.body), now);
    const record = draftRecord(request, now);
    const returnRecords = booleanParam(req.query, 'return_records');
    // Without return_records the answer is the setup response (no uuid, only its link); with it,
    // records[0] is the new record, uuid first.
    const answer = (): Record<string, unknown> => {
      const body = setupResponse(cluster, record, request);
      return returnRecords ? { num_records: 1, records: [{ uuid: record.uuid, ...body }] } : body;
    };
    const work = (): SimResponse => {
      commitCreate(cluster, record, request, Date.now());
      return { status: 201, body: answer() };
    };
    // With return_records, a 202 also carries the record as far as it is known (uuid, passphrase).
    return perform(ctx, req, 'POST /api/cluster/peers', work, returnRecords ? answer : undefined);
  });

  route('PATCH', '/api/cluster/peers/:uuid', (req) => {
    const { uuid } = req.params;
    const patch = parsePatch(cluster, requireRecord(cluster, uuid), parseBody(req.body), Date.now());
    return perform(ctx, req, `PATCH /api/cluster/peers/${uuid}`, () => {
      const record = commitPatch(cluster, uuid, patch, Date.now());
      return { status: 200, body: setupResponse(cluster, record, patch.rotation) };
    });
  });

  route('DELETE', '/api/cluster/peers/:uuid', (req) => {
    const { uuid } = req.params;
    checkDeletable(cluster, uuid);
    return perform(ctx, req, `DELETE /api/cluster/peers/${uuid}`, () => {
      deletePeer(cluster, uuid);
      return { status: 200, body: {} };
    });
  });

  route('GET', '/api/cluster/jobs/:uuid', (req) => {
    const job = jobs.get(req.params.uuid);
    if (!job) throw ontapError(ERRORS.notFound, { target: 'uuid' });
    return ok(selectFields(jobs.view(job), req.query));
  });
}

/**
 * Carries out a checked change: at once, or in job mode as a job, answering 202 with its link
 * unless it ends within `return_timeout` seconds (then the answer is what the job produced).
 */
export async function perform(
  ctx: ApiContext,
  req: SimRequest,
  description: string,
  work: () => SimResponse,
  preview?: () => Record<string, unknown>,
): Promise<SimResponse> {
  const timeoutS = returnTimeout(req.query);
  const { settings } = ctx.cluster;
  if (!settings.asyncJobs) return work();
  const job = ctx.jobs.start(description, settings.jobDurationMs, work);
  if (timeoutS > 0 && (await ctx.jobs.wait(job, timeoutS * 1000)) && job.answer) return job.answer;
  return { status: 202, body: { ...jobLink(job), ...preview?.() } };
}

function clusterView(cluster: OntapCluster): Record<string, unknown> {
  return { name: cluster.name, uuid: cluster.uuid, version: { ...cluster.version }, _links: { self: { href: '/api/cluster' } } };
}

/** HTTP basic auth on every API call; ONTAP answers 401 with its envelope and a challenge. */
export function authenticated(credentials: ApiContext['credentials'], handler: SimHandler): SimHandler {
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  return (req) => {
    if (req.headers.authorization === expected) return handler(req);
    const { status, body } = ontapError(ERRORS.notAuthorized).toResponse();
    return { status, body, headers: { 'www-authenticate': 'Basic realm="ONTAP"' } };
  };
}

function returnTimeout(query: URLSearchParams): number {
  const raw = query.get('return_timeout');
  if (raw === null) return 0;
  if (!/^\d+$/.test(raw) || Number(raw) > MAX_RETURN_TIMEOUT_S) {
    throw ontapError(ERRORS.invalidValue, { target: 'return_timeout', detail: `return_timeout must be an integer from 0 to ${MAX_RETURN_TIMEOUT_S}.` });
  }
  return Number(raw);
}

function booleanParam(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  if (raw === null || raw === 'false') return false;
  if (raw === 'true') return true;
  throw ontapError(ERRORS.invalidValue, { target: name, detail: `${name} must be true or false.` });
}

function ok(body: unknown): SimResponse {
  return { status: 200, body };
}
