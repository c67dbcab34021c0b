import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  type Actor,
  type ActorRef,
  actionOf,
  Caller,
  callerOf,
  hasScope,
  isWrite,
  isWriteRequest,
  neededScope,
  type Scope,
  routeConfigOf,
  setCaller,
} from '../domain/access.js';
import { API_KEY_PREFIX, apiKeyHash, isUsable } from '../domain/api-key.js';
import { ApiKeyStore } from '../stores/api-key.store.js';
import { outcomeOf } from '../domain/audit.js';
import { AuditStore } from '../stores/audit.store.js';
import { looksLikeJwt, OidcTokenError, OidcVerifier } from '../access/oidc.js';
import { RateLimiter } from '../stores/rate-limiter.store.js';
import { LOGGER } from '../common/logger.js';
import { GatewayError } from '../common/problem.js';
import { answerOf, type ProblemAnswer } from '../common/problem-reply.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { isRedisUnavailable, RedisService } from '../redis/redis.service.js';
import { BearerTokens } from './bearer-token.js';

const UNAUTHORIZED = 'send Authorization: Bearer <token> with a valid token (the admin token, an API key gwk_..., or an OpenID Connect token)';

type Authentication = { actor: Actor } | { actor: null; who: ActorRef; reason: string };

/** Who a refused credential seemed to be, for the audit log (never the credential). */
const anonymous: ActorRef = { type: 'anonymous', id: null, team: null };

/** The admin token's caller: one object for every request that carries it (nothing changes an actor). */
const ADMIN: Authentication = { actor: { type: 'admin', id: 'admin', team: null, scopes: ['admin'] } };

/** Callers refused before they were known, by request: the audit log names what it can. */
const refused = new WeakMap<FastifyRequest, ActorRef>();

/**
 * Who may call what. A bearer credential is one of: the admin token (`GATEWAY_ADMIN_TOKEN`, every
 * scope, never rate limited), an API key (`gwk_...`, looked up by its SHA-256 in Redis on every
 * request, so a revocation holds at once everywhere), or an OpenID Connect JWT (when an issuer is
 * configured). The route's declared scope is checked next (`@Scopes`; none declared: `admin`),
 * then the write rate limit. All of it runs in the `onRequest` hook (src/http/http-edges.ts),
 * before a body is read, from the matched route's config: the same decorators that declare a
 * handler's scope (`@Scopes`, `@Public`) set it, so no handler runs unchecked. Writes and refusals are recorded in
 * the audit log as their answer leaves.
 */
@Injectable()
export class AccessControl {
  private readonly admin: BearerTokens;
  private readonly oidc: OidcVerifier | null;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly keys: ApiKeyStore,
    private readonly audit: AuditStore,
    private readonly limiter: RateLimiter,
    private readonly redis: RedisService,
  ) {
    this.admin = new BearerTokens(config.adminToken);
    this.oidc = config.oidc ? new OidcVerifier(config.oidc) : null;
  }

  /**
   * Who the Authorization header says the caller is. Synchronous for the admin token and a
   * missing one (no promise on the path most reads take); a promise for what must be looked up.
   */
  authenticate(header: string | string[] | undefined): Authentication | Promise<Authentication> {
    const token = typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1] : undefined;
    if (token === undefined) return { actor: null, who: anonymous, reason: UNAUTHORIZED };
    if (this.admin.matches(token)) return ADMIN;
    if (token.startsWith(API_KEY_PREFIX)) return this.apiKeyCaller(token);
    if (this.oidc && looksLikeJwt(token)) return this.oidcCaller(this.oidc, token);
    return { actor: null, who: anonymous, reason: UNAUTHORIZED };
  }

  private async apiKeyCaller(token: string): Promise<Authentication> {
    const key = await this.keys.byHash(apiKeyHash(token));
    if (!key) return { actor: null, who: { type: 'api-key', id: null, team: null }, reason: 'this API key is not valid (unknown or revoked)' };
    const who: ActorRef = { type: 'api-key', id: key.id, team: key.team };
    if (!isUsable(key)) return { actor: null, who, reason: `API key '${key.id}' is ${key.revokedAt ? 'revoked' : 'expired'}` };
    await this.keys.touch(key.id).catch(() => undefined);
    return { actor: { type: 'api-key', id: key.id, team: key.team, scopes: key.scopes } };
  }

  private async oidcCaller(oidc: OidcVerifier, token: string): Promise<Authentication> {
    try {
      const identity = await oidc.verify(token);
      return { actor: { type: 'oidc', id: identity.subject, team: identity.team, scopes: identity.scopes } };
    } catch (err) {
      if (!(err instanceof OidcTokenError)) throw err;
      return { actor: null, who: { type: 'oidc', id: null, team: null }, reason: `the token is not valid here (${err.message})` };
    }
  }

  /**
   * The whole check for a matched, non-public route: credential, scope, rate limit. Returns the
   * problem to answer with, or null to go on (the caller is then set on the request); at once
   * when nothing needs Redis (the admin token, or a refusal of the header), a promise otherwise.
   */
  admit(request: FastifyRequest): ProblemAnswer | null | Promise<ProblemAnswer | null> {
    try {
      const result = this.authenticate(request.headers.authorization);
      const answer = result instanceof Promise ? result.then((found) => this.admitAs(request, found)) : this.admitAs(request, result);
      return answer instanceof Promise ? answer.catch(unlessStoreUnreachable) : answer;
    } catch (err) {
      return unlessStoreUnreachable(err);
    }
  }

  private admitAs(request: FastifyRequest, result: Authentication): ProblemAnswer | null | Promise<ProblemAnswer | null> {
    if (!result.actor) {
      refused.set(request, result.who);
      return answerOf(new GatewayError('unauthorized', result.reason));
    }
    const caller = new Caller(result.actor, request.id);
    setCaller(request, caller);
    const config = routeConfigOf(request);
    // A `scopesPerCall` handler checks each call it carries (admitCall).
    if (config?.scopesPerCall !== true) {
      const refusal = this.refusalOf(result.actor, neededScope(config), isWriteRequest(request));
      if (refusal instanceof Promise) return refusal.then((found) => (found ? answerOf(found) : this.storeReadiness()));
      if (refusal) return answerOf(refusal);
    }
    return this.storeReadiness();
  }

  /** While the store is unreachable a route answers 503 at once instead of hanging. */
  private storeReadiness(): ProblemAnswer | null {
    return this.redis.isReady() ? null : answerOf(storeUnreachable());
  }

  /**
   * The check of one call inside a route that declares `scopesPerCall` (a tool of POST /mcp):
   * the scope it needs, then the write rate limit when it writes. Throws the refusal.
   */
  async admitCall(caller: Caller, scope: Scope, write: boolean): Promise<void> {
    const refusal = await this.refusalOf(caller.actor, scope, write);
    if (refusal) throw refusal;
  }

  /** The scope, then the write rate limit: at once unless the limit (in Redis) must be asked. */
  private refusalOf(actor: Actor, scope: Scope, write: boolean): GatewayError | null | Promise<GatewayError | null> {
    if (!hasScope(actor.scopes, scope)) return missingScope(scope, actor);
    if (!write || actor.type === 'admin') return null;
    return this.writeLimitRefusal(actor);
  }

  private async writeLimitRefusal(actor: Actor): Promise<GatewayError | null> {
    const retryAfter = await this.limiter.takeWrite(`${actor.type}:${actor.id}`);
    if (retryAfter === null) return null;
    return new GatewayError('rate_limited', `more writes than this credential may make per minute; retry in ${retryAfter} s`, { retryAfter });
  }

  /**
   * Records the answer of a matched, non-public route in the audit log when it was a write or a
   * refusal (401, 403, 429, or 404 for another team's resource). Awaited before the answer
   * leaves (but for a 5xx), so the entry can be read as soon as the answer is; a failure to
   * record is logged. Undefined (no promise) when the answer is not recorded: most reads.
   */
  record(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<void> | undefined {
    const status = reply.statusCode;
    const caller = callerOf(request);
    const hidden = status === 404 && caller?.hidden != null;
    if (!isWriteRequest(request) && status !== 401 && status !== 403 && status !== 429 && !hidden) return undefined;
    return this.recorded(request, status, caller, payload);
  }

  private async recorded(request: FastifyRequest, status: number, caller: Caller | undefined, payload: unknown): Promise<void> {
    const { action, targetType } = actionOf(request.method, routeConfigOf(request)?.url ?? request.url.split('?')[0]);
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    let targetId = params.id ?? null;
    if (targetId === null && status < 300) targetId = createdId(payload);
    await this.write(caller?.ref ?? refused.get(request) ?? anonymous, action, { type: targetType, id: targetId }, status, request.id, caller?.targetTeam);
  }

  /**
   * Records one call of a `scopesPerCall` route (a tool of POST /mcp) as the /v1 route it stands
   * for would be recorded (`method` and `routeUrl`, e.g. POST /v1/peerings): writes and refusals.
   */
  async recordCall(caller: Caller, call: { method: string; routeUrl: string; targetId: string | null; status: number; write?: boolean }): Promise<void> {
    const { status } = call;
    // `write: false`: a dry run, a read whatever its method (as isWriteRequest says of ?dryRun=true).
    if (!(call.write ?? isWrite(call.method)) && status !== 403 && status !== 429 && !(status === 404 && caller.hidden != null)) return;
    const { action, targetType } = actionOf(call.method, call.routeUrl);
    await this.write(caller.ref, action, { type: targetType, id: call.targetId }, status, caller.requestId ?? 'unknown', caller.targetTeam);
  }

  private async write(actor: ActorRef, action: string, target: { type: string; id: string | null }, status: number, requestId: string, team?: string | null) {
    const entry = { actor, action, target, outcome: outcomeOf(status), status, requestId };
    const recorded = this.audit
      .record(entry, [actor.team, team])
      .catch((err: Error) => this.logger.warn({ action, status, requestId, err: err.message }, 'audit entry not recorded'));
    // A 5xx is most often the store itself failing: its answer does not wait for the record too.
    if (status < 500) await recorded;
  }
}

/** A failure to reach the store answers 503; any other is thrown on. */
function unlessStoreUnreachable(err: unknown): ProblemAnswer {
  if (!isRedisUnavailable(err)) throw err;
  return answerOf(storeUnreachable());
}

function storeUnreachable(): GatewayError {
  return new GatewayError('service_unavailable', 'the gateway store (Redis) is unreachable; try again shortly', { retryAfter: 1 });
}

function missingScope(scope: string, actor: Actor): GatewayError {
  return new GatewayError('forbidden', `this call needs the scope '${scope}'; the credential has: ${actor.scopes.join(', ') || 'none'}`);
}

/** The `id` of the resource a create answered with (a JSON body), if any. */
function createdId(payload: unknown): string | null {
  if (typeof payload !== 'string' || !payload.startsWith('{')) return null;
  try {
    const id = (JSON.parse(payload) as { id?: unknown }).id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
