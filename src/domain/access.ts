import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../common/problem.js';

/** What a credential may do. `admin` is every scope, on every team. */
export const SCOPES = [
  'peerings:read',
  'peerings:write',
  'clusters:read',
  'clusters:write',
  'webhooks:read',
  'webhooks:write',
  'audit:read',
  'api-keys:write',
  'approvals:write',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

/** Team slugs: lower-case letters, digits and hyphens, 1-63 characters, starting with a letter or digit. */
export const TEAM_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const TEAM_RULE = 'must be a team slug: lower-case letters, digits and hyphens, 1-63 characters, starting with a letter or digit';

/** The team of resources created by an admin without naming one, and of records from before teams. */
export const DEFAULT_TEAM = 'default';

export type ActorType = 'admin' | 'api-key' | 'oidc';

/** Who is calling: never a secret (an API key's id, a token's subject). */
export interface Actor {
  type: ActorType;
  id: string;
  /** Null only for the admin token and admin credentials without a team. */
  team: string | null;
  scopes: Scope[];
  /** How it called, when not through /v1: `mcp` for a tool call of the MCP endpoint (src/mcp/). */
  via?: 'mcp';
}

/** The actor as kept on operations, events and audit entries (no scopes). */
export interface ActorRef {
  type: ActorType | 'system' | 'anonymous';
  id: string | null;
  team: string | null;
  via?: 'mcp';
}

export function actorRef(actor: Actor): ActorRef {
  return { type: actor.type, id: actor.id, team: actor.team, ...(actor.via && { via: actor.via }) };
}

export function hasScope(scopes: readonly Scope[], needed: Scope): boolean {
  return scopes.includes('admin') || scopes.includes(needed);
}

/** The Fastify route config the gateway reads in its request hooks (src/http/http-edges.ts). */
export interface GatewayRouteConfig {
  public?: boolean;
  /** The scope a route needs; a route that declares none needs `admin` (fails closed). */
  scopes?: Scope[];
  /** The handler checks a scope (and the write rate limit) for each call it carries: POST /mcp, one route for many tools. */
  scopesPerCall?: boolean;
}

/** The scope a route needs: its declared one, or `admin` when it declares none. */
export function neededScope(config: GatewayRouteConfig | undefined): Scope {
  return config?.scopes?.[0] ?? 'admin';
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isWrite(method: string): boolean {
  return WRITE_METHODS.has(method.toUpperCase());
}

/** A dry run (`?dryRun=true`) changes nothing: it is a read, for the rate limit and the audit log alike. */
export function isWriteRequest(request: Pick<FastifyRequest, 'method' | 'query'>): boolean {
  return isWrite(request.method) && (request.query as Record<string, unknown> | undefined)?.dryRun !== 'true';
}

/** `peerings` -> `peering`, `api-keys` -> `api-key`, `audit` -> `audit`. */
function singular(resource: string): string {
  return resource.endsWith('s') ? resource.slice(0, -1) : resource;
}

/**
 * The audit action and target type of a route, from its method and pattern:
 * `POST /v1/peerings` -> peering.create, `DELETE /v1/peerings/:id` -> peering.delete,
 * `POST /v1/peerings/:id/retry` -> peering.retry, `GET /v1/peerings/:id` -> peering.read.
 */
export function actionOf(method: string, routeUrl: string): { action: string; targetType: string } {
  const parts = routeUrl.split('/').filter((p) => p !== '' && p !== 'v1');
  const targetType = singular(parts[0] ?? 'gateway');
  const rest = parts.slice(1);
  const last = rest.at(-1);
  const verb = method.toUpperCase();
  let name: string;
  if (last !== undefined && !last.startsWith(':')) name = verb === 'GET' ? `${last}.read` : last;
  else if (verb === 'POST') name = 'create';
  else if (verb === 'PATCH' || verb === 'PUT') name = 'update';
  else if (verb === 'DELETE') name = 'delete';
  else name = rest.length === 0 ? 'list' : 'read';
  return { action: `${targetType}.${name}`, targetType };
}

/**
 * The caller of one request, handed by controllers to the services: who it is, and what it was
 * refused for want of a team (recorded in the audit log as a denied 404).
 */
export class Caller {
  /** A resource of another team that was asked for; it read as 404. */
  hidden: { type: string; id: string } | null = null;
  /** The team a write was for (the audit entry is shown to that team too). */
  targetTeam: string | null = null;

  constructor(
    readonly actor: Actor,
    readonly requestId: string | null,
  ) {}

  /** The gateway itself (start-up registration, sweeps, unit tests): admin, no request. */
  static system(): Caller {
    return new Caller({ type: 'admin', id: 'system', team: null, scopes: ['admin'] }, null);
  }

  get isAdmin(): boolean {
    return this.actor.scopes.includes('admin');
  }

  get ref(): ActorRef {
    return actorRef(this.actor);
  }

  /** Keeps one caller's Idempotency-Keys apart from another's. */
  get idempotencyScope(): string {
    return `${this.actor.type}:${this.actor.id}`;
  }

  /** True when this caller may see a resource of `team` (records without one are the default team's). */
  sees(team: string | undefined | null): boolean {
    return this.isAdmin || (team ?? DEFAULT_TEAM) === this.actor.team;
  }

  /** 404 for a resource of another team, remembered for the audit log. */
  notFound(type: string, id: string): GatewayError {
    this.hidden = { type, id };
    return GatewayError.notFound(type, id);
  }

  /** Throws the 404 unless the caller sees the resource's team. */
  check<T extends { team?: string | null }>(type: string, id: string, resource: T): T {
    if (!this.sees(resource.team)) throw this.notFound(type, id);
    return resource;
  }

  /**
   * The team a new resource belongs to: the one asked for (an admin may name any; anyone else
   * only its own), else the caller's, else the default team.
   */
  teamFor(requested: string | undefined, field = 'team'): string {
    if (requested !== undefined && !this.isAdmin && requested !== this.actor.team) {
      throw new GatewayError('forbidden', `${field}: this credential belongs to team '${this.actor.team}' and cannot act for team '${requested}'`);
    }
    const team = requested ?? this.actor.team ?? DEFAULT_TEAM;
    this.targetTeam = team;
    return team;
  }

  /** The team filter of a list: its own for a team, the one asked for (or none) for an admin. */
  listTeam(requested?: string): string | undefined {
    return this.isAdmin ? requested : (this.actor.team ?? DEFAULT_TEAM);
  }
}

/**
 * Where a request keeps its caller: a property of its own under a symbol no other code knows,
 * rather than a WeakMap entry per request (which the garbage collector pays for on every read).
 */
const CALLER = Symbol('caller');

type WithCaller = FastifyRequest & { [CALLER]?: Caller };

/** Remembers who is calling, once the request's credential has been checked. */
export function setCaller(request: FastifyRequest, caller: Caller): void {
  (request as WithCaller)[CALLER] = caller;
}

/** A matched route's config as Fastify keeps it: what the route declares, and its pattern and method. */
export type MatchedRouteConfig = GatewayRouteConfig & { url?: string; method?: string };

const ROUTE_CONFIG = Symbol('routeConfig');

type WithRouteConfig = FastifyRequest & { [ROUTE_CONFIG]?: MatchedRouteConfig };

/**
 * The matched route's config (`url` undefined when no route matched), read from Fastify once per
 * request: its `routeOptions` getter builds a new object of fourteen fields on every read.
 */
export function routeConfigOf(request: FastifyRequest): MatchedRouteConfig | undefined {
  const slot = request as WithRouteConfig;
  if (!(ROUTE_CONFIG in slot)) slot[ROUTE_CONFIG] = request.routeOptions.config as MatchedRouteConfig | undefined;
  return slot[ROUTE_CONFIG];
}

/** The request's authenticated caller, if its credential has been checked. */
export function callerOf(request: FastifyRequest): Caller | undefined {
  return (request as WithCaller)[CALLER];
}
