import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { CallToolResult, Tool, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Caller, isWrite, SCOPES, type Scope } from '../domain/access.js';
import { ApproveDto, ListApprovalsQuery, RejectDto } from '../approvals/approval.dto.js';
import { ApprovalsService } from '../approvals/approvals.service.js';
import { AccessControl } from '../auth/access-control.js';
import { ClustersService } from '../clusters/clusters.service.js';
import { PostureService } from '../clusters/posture.service.js';
import { LOGGER } from '../common/logger.js';
import { GatewayError, type Problem, problem } from '../common/problem.js';
import { createValidationPipe } from '../common/validation.js';
import { IdempotencyService } from '../stores/idempotency.service.js';
import { idempotent } from '../idempotency/idempotent.js';
import { CreatePeeringDto, ListPeeringsQuery, UpdatePeeringDto } from '../peerings/peering.dto.js';
import { PeeringPlanner } from '../peerings/peering-plan.service.js';
import { type PeeringState } from '../domain/peering-state.js';
import { PeeringsService } from '../peerings/peerings.service.js';
import { clustersInWords } from '../products/index.js';
import { isRedisUnavailable, RedisService } from '../redis/redis.service.js';
import {
  McpApprovePeeringArguments,
  McpClusterArguments,
  McpCreatePeeringArguments,
  McpNoArguments,
  McpPeeringArguments,
  McpPeeringWriteArguments,
  McpPlanPeeringArguments,
  McpUpdatePeeringArguments,
  McpWaitArguments,
  type PlanAction,
} from './mcp-arguments.dto.js';
import { PeeringWait } from './peering-wait.js';
import { componentSchema, type OpenApiDocument, operationOf } from './tool-schema.js';

/** The argument classes, in the OpenAPI document as extra models (mcp.controller.ts). */
export const TOOL_ARGUMENT_MODELS = [
  McpNoArguments,
  McpClusterArguments,
  McpPeeringArguments,
  McpPeeringWriteArguments,
  McpWaitArguments,
  McpCreatePeeringArguments,
  McpUpdatePeeringArguments,
  ListPeeringsQuery,
  McpPlanPeeringArguments,
  ListApprovalsQuery,
  McpApprovePeeringArguments,
];

/** What the server tells a model about the gateway as a whole (the `instructions` of initialize), naming the registered products. */
export const instructions = () => `The peering gateway peers ${clustersInWords()} for your team, doing both sides or nothing.
A peering moves PENDING -> ESTABLISHING -> ACTIVE (ready to use); ACTIVE <-> DEGRADED (exists but not healthy: read conditions and stateReason);
FAILED (stopped until someone acts: read lastError, fix the cause, then retry_peering); DELETING -> DELETED (gone on every cluster).
Call plan_peering before create_peering (or a change or delete): it checks everything and changes nothing.
AWAITING_APPROVAL means an approver team must approve it first (list_approvals and approve_peering, for that team). Every change runs in the background: after create, delete or retry, call wait_for_peering.
Send an idempotencyKey with every create so that a retry of your call never makes a second peering. Errors name the field and the rule: fix the argument and call again.`;

/** The states wait_for_peering waits for, as the contract names them. */
const SETTLED_STATES: readonly PeeringState[] = ['ACTIVE', 'FAILED', 'DELETED'];

const STATES =
  'States: PENDING (accepted, not started), AWAITING_APPROVAL (an approver team must approve it), ESTABLISHING (the handshake is running), ACTIVE (ready to use), DEGRADED (exists but not healthy), FAILED (stopped: read lastError, fix the cause, retry_peering), DELETING, DELETED.';

type Arguments = Record<string, unknown>;

interface ToolContext {
  caller: Caller;
  /** The arguments, validated and transformed (an instance of the tool's argument class). */
  args: Arguments;
  /** The arguments as sent (what an Idempotency-Key's fingerprint is taken of). */
  raw: Arguments;
  progress: (message: string) => void;
}

interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
}

interface ToolSpec {
  name: string;
  title: string;
  description: string;
  /** A tool with `readOnlyHint` changes nothing: a read for the rate limit and the audit log, whatever its route's method (a dry run). */
  annotations: Omit<ToolAnnotations, 'title'>;
  /** The /v1 route it is the same call as: its scope (`x-scopes`), its audit action and its answer's schema. */
  route: Route;
  /** The route one call stands for, when the arguments choose among several (its scope and audit action). */
  routeOf?(args: Arguments): Route;
  /** The answer's schema, when it is not the route's 2xx (a component of the OpenAPI document). */
  output?: string;
  arguments: new () => object;
  run(context: ToolContext): Promise<object>;
}

interface Catalog {
  tools: Tool[];
  document: OpenApiDocument;
}

const PLAN_ROUTES: Record<PlanAction, Route> = {
  create: { method: 'POST', path: '/v1/peerings' },
  update: { method: 'PATCH', path: '/v1/peerings/{id}' },
  delete: { method: 'DELETE', path: '/v1/peerings/{id}' },
};

const DECISION_ROUTES = {
  approve: { method: 'POST', path: '/v1/peerings/{id}/approve' },
  reject: { method: 'POST', path: '/v1/peerings/{id}/reject' },
} as const satisfies Record<string, Route>;

const READ: Omit<ToolAnnotations, 'title'> = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** A property the chosen action does not take, or one it needs, as the field error the pipe would give. */
function expectOnly(args: Arguments, action: string, needed: string[], refused: string[]): void {
  for (const name of needed) if (args[name] === undefined) throw GatewayError.validation(name, `is required for action ${action}`);
  for (const name of refused) if (args[name] !== undefined) throw GatewayError.validation(name, `is not taken by action ${action}`);
}

/** The use case's field errors, named from the tool's arguments: `local.cluster` of `peering` is `peering.local.cluster`. */
async function within<T>(argument: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const errors = err instanceof GatewayError && err.problem.code === 'validation_failed' ? err.problem.errors : undefined;
    if (!errors?.length) throw err;
    const named = errors.map((e) => ({ ...e, field: e.field === 'id' ? e.field : `${argument}.${e.field}` }));
    throw new GatewayError('validation_failed', named.map((e) => `${e.field}: ${e.message}`).join('; '), { errors: named });
  }
}

function without(args: Arguments, ...names: string[]): Arguments {
  return Object.fromEntries(Object.entries(args).filter(([name]) => !names.includes(name)));
}

/**
 * The tools of the MCP endpoint. Each is the same call as one /v1 route: the same use case, the
 * same scope (read from the route's `x-scopes` in the OpenAPI document), the same validation (the
 * route's DTO and pipe), idempotency and audit; only the transport differs.
 */
@Injectable()
export class McpTools {
  private readonly pipe = createValidationPipe();
  private catalog?: Promise<Catalog>;
  private readonly specs: ToolSpec[];

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly access: AccessControl,
    private readonly redis: RedisService,
    private readonly idempotency: IdempotencyService,
    private readonly peerings: PeeringsService,
    private readonly clusters: ClustersService,
    private readonly posture: PostureService,
    private readonly planner: PeeringPlanner,
    private readonly approvals: ApprovalsService,
    private readonly wait: PeeringWait,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.specs = this.define();
  }

  private define(): ToolSpec[] {
    return [
      {
        name: 'list_clusters',
        title: 'List clusters',
        description: `Lists the ${clustersInWords()} the gateway can peer (id, product, endpoint, facts). Use it first to find cluster ids for create_peering; both sides of a peering must be of the same product.`,
        annotations: READ,
        route: { method: 'GET', path: '/v1/clusters' },
        arguments: McpNoArguments,
        run: async () => ({ items: await this.clusters.list() }),
      },
      {
        name: 'cluster_posture',
        title: "Read a cluster's posture",
        description:
          "Reads a cluster's security posture now, from the cluster itself, in its product's words (see the posture models in the schema): what encrypts peering traffic, the access controls, whether peering is enabled. Use it before asking for an encrypted peering or when a peering failed on a cluster precondition.",
        annotations: { ...READ, openWorldHint: true },
        route: { method: 'GET', path: '/v1/clusters/{id}/posture' },
        arguments: McpClusterArguments,
        run: async ({ args }) => this.posture.posture(args.cluster as string),
      },
      {
        name: 'list_peerings',
        title: 'List peerings',
        description: `Lists your team's peerings, oldest first, a page at a time (pass nextCursor back as cursor), filtered by product, state or cluster. ${STATES}`,
        annotations: READ,
        route: { method: 'GET', path: '/v1/peerings' },
        arguments: ListPeeringsQuery,
        run: async ({ args, caller }) => this.peerings.list(args as ListPeeringsQuery, caller),
      },
      {
        name: 'get_peering',
        title: 'Read a peering',
        description: `Reads one peering: its state, each side's native id and state, conditions, lastError and its latest operationId. A peering of another team reads as not found. ${STATES}`,
        annotations: READ,
        route: { method: 'GET', path: '/v1/peerings/{id}' },
        arguments: McpPeeringArguments,
        run: async ({ args, caller }) => this.peerings.get(args.id as string, caller),
      },
      {
        name: 'plan_peering',
        title: 'Plan a peering (dry run)',
        description:
          "Checks a peering before you ask for it, and changes nothing anywhere (only reads, on the gateway and the clusters). Call it before create_peering, with action create and peering set to exactly the arguments you would give create_peering (without idempotencyKey); before update_peering with action update, id and change; before delete_peering with action delete and id. Answers {ready, checks, steps}: ready is true when no check has status fail; each check names a side (local, remote) and what was found (credentials, name, the product's own preconditions); a check with status fail (or warn) carries fix, what to do about it: do that (or tell your user), then plan again; steps is what the real call would do, in order (an await-approval step: an approver team must approve first). Bad arguments are errors naming the field, as the real call's.",
        annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
        route: PLAN_ROUTES.create,
        routeOf: (args) => PLAN_ROUTES[args.action as PlanAction] ?? PLAN_ROUTES.create,
        output: 'Plan',
        arguments: McpPlanPeeringArguments,
        run: async ({ args, caller }) => {
          const action = (args.action as PlanAction | undefined) ?? 'create';
          if (action === 'create') {
            expectOnly(args, action, ['peering'], ['id', 'change']);
            return within('peering', () => this.planner.planCreate(args.peering as CreatePeeringDto, caller));
          }
          if (action === 'update') {
            expectOnly(args, action, ['id', 'change'], ['peering']);
            return within('change', () => this.planner.planUpdate(args.id as string, args.change as UpdatePeeringDto, caller));
          }
          expectOnly(args, action, ['id'], ['peering', 'change']);
          return this.planner.planRemove(args.id as string, caller);
        },
      },
      {
        name: 'create_peering',
        title: 'Ask for a peering',
        description:
          'Asks for a peering between two clusters of one product (remote: {cluster} for both sides by the gateway, or {external} for only the local side). Call plan_peering first with the same arguments: it tells you whether the request can work and how to fix what would fail. Answers at once with the peering in PENDING; the work goes on in the background: call wait_for_peering next. On a cluster that requires an approval it answers AWAITING_APPROVAL instead: nothing is sent to any cluster until an approver team (approval.clusters[].approverTeams) approves with approve_peering; tell your user who must approve; wait_for_peering then follows it to ACTIVE (a rejection or an expiry is FAILED with lastError.code approval_rejected or approval_expired). Always send an idempotencyKey: calling again with the same key and arguments answers with the same peering instead of a second one. Validation errors name the field.',
        annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
        route: { method: 'POST', path: '/v1/peerings' },
        arguments: McpCreatePeeringArguments,
        run: async ({ args, raw, caller }) => {
          const key = args.idempotencyKey as string | undefined;
          const body = without(args, 'idempotencyKey') as unknown as McpCreatePeeringArguments;
          Object.setPrototypeOf(body, Object.getPrototypeOf(args));
          const request = { method: 'POST', path: '/v1/peerings', body: without(raw, 'idempotencyKey'), scope: caller.idempotencyScope };
          const answer = await idempotent(this.idempotency, key, request, async (idempotencyKeyHash) => {
            const peering = await this.peerings.create({ input: body, caller, idempotencyKeyHash });
            return { status: 202, body: peering, location: `/v1/peerings/${peering.id}` };
          });
          return answer.body as object;
        },
      },
      {
        name: 'update_peering',
        title: 'Change a peering',
        description:
          "Changes a peering: labels at once; on the clusters, the product's option block (see the plugins' blocks in the schema: secret rotation, encryption, remote addresses, parts such as SVM peers or exported services) through a background operation: call wait_for_peering next. Replacing a list of parts removes the parts left out.",
        annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
        route: { method: 'PATCH', path: '/v1/peerings/{id}' },
        arguments: McpUpdatePeeringArguments,
        run: async ({ args, caller }) => {
          const body = without(args, 'id');
          Object.setPrototypeOf(body, Object.getPrototypeOf(args));
          return this.peerings.update(args.id as string, body, caller);
        },
      },
      {
        name: 'delete_peering',
        title: 'Delete a peering',
        description:
          'Deletes a peering on every cluster it touches. Answers at once with the peering in DELETING; it reads DELETED once every side is gone: call wait_for_peering next. Deleting a peering already DELETING or DELETED answers as it stands.',
        annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
        route: { method: 'DELETE', path: '/v1/peerings/{id}' },
        arguments: McpPeeringWriteArguments,
        run: async ({ args, caller }) =>
          this.idempotentOn(args, caller, 'DELETE', `/v1/peerings/${String(args.id)}`, () => this.peerings.remove(args.id as string, caller)),
      },
      {
        name: 'retry_peering',
        title: 'Retry a FAILED peering',
        description:
          'Runs the handshake of a FAILED peering again, adopting whatever already exists on the clusters. Only for FAILED peerings (others answer a conflict); fix the cause named in lastError first. Call wait_for_peering next.',
        annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
        route: { method: 'POST', path: '/v1/peerings/{id}/retry' },
        arguments: McpPeeringWriteArguments,
        run: async ({ args, caller }) =>
          this.idempotentOn(args, caller, 'POST', `/v1/peerings/${String(args.id)}/retry`, () => this.peerings.retry(args.id as string, caller)),
      },
      {
        name: 'wait_for_peering',
        title: 'Wait for a peering to settle',
        description: `Waits until a peering is ACTIVE, FAILED or DELETED, or timeoutSeconds (default 30, at most 600) have passed, following the gateway's live events, and returns the peering. When it returns another state, the work is still going: call it again. AWAITING_APPROVAL is not the gateway's work but a wait for an approver team: it only moves once they approve (approve_peering) or reject, so tell your user rather than calling again and again. FAILED: read lastError. ${STATES}`,
        annotations: READ,
        route: { method: 'GET', path: '/v1/peerings/{id}' },
        arguments: McpWaitArguments,
        run: async ({ args, caller, progress }) => {
          const timeoutMs = ((args.timeoutSeconds as number | undefined) ?? 30) * 1000;
          const { peering } = await this.wait.until(args.id as string, caller, SETTLED_STATES, timeoutMs, (p) => progress(`${p.id} is ${p.state}`));
          return peering;
        },
      },
      {
        name: 'list_approvals',
        title: 'List the approvals you may give',
        description:
          'Lists the peerings awaiting an approval that your team may give (whatever team asked), oldest first, a page at a time (pass nextCursor back as cursor): who asked and when, until when (expiresAt), and which clusters need whose approval. A team never sees its own requests here: another team approves them. Approve or reject one with approve_peering.',
        annotations: READ,
        route: { method: 'GET', path: '/v1/approvals' },
        arguments: ListApprovalsQuery,
        run: async ({ args, caller }) => this.approvals.list(args as ListApprovalsQuery, caller),
      },
      {
        name: 'approve_peering',
        title: 'Approve or reject a peering',
        description:
          'Decides on a peering in AWAITING_APPROVAL, for the clusters whose approverTeams include your team (list_approvals shows them; a team cannot approve its own request). decision approve (the default, with an optional comment): once every cluster that needs it approved, the work starts (ESTABLISHING): call wait_for_peering next. decision reject (with a reason, required): the peering is FAILED with lastError.code approval_rejected and that reason; a retry_peering by its team asks again. Only act on what your user decided. Returns the peering.',
        annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
        route: DECISION_ROUTES.approve,
        routeOf: (args) => (args.decision === 'reject' ? DECISION_ROUTES.reject : DECISION_ROUTES.approve),
        arguments: McpApprovePeeringArguments,
        run: async ({ args, caller }) => {
          const id = args.id as string;
          if (args.decision === 'reject') {
            if (args.comment !== undefined) throw GatewayError.validation('comment', 'is taken by decision approve; a rejection gives reason');
            return this.approvals.reject(id, await this.body(RejectDto, { reason: args.reason }), caller);
          }
          if (args.reason !== undefined) throw GatewayError.validation('reason', 'is taken by decision reject; an approval gives comment');
          return this.approvals.approve(id, await this.body(ApproveDto, { comment: args.comment }), caller);
        },
      },
    ];
  }

  /** `value` validated as the /v1 route's body class (its rules and messages). */
  private async body<T extends object>(type: new () => T, value: Arguments): Promise<T> {
    return (await this.pipe.transform(value, { type: 'body', metatype: type })) as T;
  }

  private async idempotentOn(args: Arguments, caller: Caller, method: string, path: string, work: () => Promise<object>): Promise<object> {
    const request = { method, path, body: null, scope: caller.idempotencyScope };
    const answer = await idempotent(this.idempotency, args.idempotencyKey as string | undefined, request, async () => ({ status: 202, body: await work() }));
    return answer.body as object;
  }

  /** The tools, their schemas from the OpenAPI document the gateway serves (built once, on first use). */
  async list(): Promise<Tool[]> {
    return (await this.load()).tools;
  }

  private load(): Promise<Catalog> {
    this.catalog ??= this.build().catch((err: unknown) => {
      this.catalog = undefined;
      throw err;
    });
    return this.catalog;
  }

  private async build(): Promise<Catalog> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const answer = await fastify.inject({ method: 'GET', url: '/openapi.json' });
    const document = JSON.parse(answer.body) as OpenApiDocument;
    const tools = this.specs.map((spec): Tool => {
      const operation = operationOf(document, spec.route.method, spec.route.path);
      return {
        name: spec.name,
        title: spec.title,
        description: `${spec.description} Needs the scope ${scopeOf(document, spec.route)}.`,
        inputSchema: componentSchema(document, spec.arguments.name),
        outputSchema: spec.output ? componentSchema(document, spec.output) : operation.answer,
        annotations: { title: spec.title, ...spec.annotations },
      };
    });
    return { tools, document };
  }

  /** Runs one tool call for `base` (the request's caller): every failure is a tool error, never a protocol one. */
  async call(name: string, raw: Arguments | undefined, base: Caller, progress: (message: string) => void): Promise<CallToolResult> {
    const spec = this.specs.find((s) => s.name === name);
    if (!spec)
      return toolError(GatewayError.validation('name', `there is no tool '${name}'; the tools are: ${this.specs.map((s) => s.name).join(', ')}`).problem);
    const caller = new Caller({ ...base.actor, via: 'mcp' }, base.requestId);
    const args = raw ?? {};
    const route = spec.routeOf?.(args) ?? spec.route;
    const write = isWrite(route.method) && spec.annotations.readOnlyHint !== true;
    let status = write ? 202 : 200;
    let targetId = typeof args.id === 'string' ? args.id : null;
    try {
      const { document } = await this.load();
      await this.access.admitCall(caller, scopeOf(document, route), write);
      // The status the /v1 route answers with (a reject is 200, an approve 202), for the audit log.
      if (write) status = operationOf(document, route.method, route.path).status;
      const valid = (await this.pipe.transform(args, { type: 'body', metatype: spec.arguments })) as Arguments;
      const epoch = this.redis.writeEpoch();
      const body = await spec.run({ caller, args: valid, raw: args, progress });
      // As on /v1: an accepted write is on a Redis replica before its answer leaves.
      if (write) await this.redis.confirmWrites(epoch);
      if (write && typeof (body as { id?: unknown }).id === 'string') targetId = (body as { id: string }).id;
      return { content: [{ type: 'text', text: JSON.stringify(body) }], structuredContent: body as Record<string, unknown> };
    } catch (err) {
      const found = this.problemOf(err, caller);
      status = found.status;
      return toolError(found);
    } finally {
      await this.access.recordCall(caller, { method: route.method, routeUrl: route.path.replace(/\{(\w+)\}/g, ':$1'), targetId, status, write });
    }
  }

  private problemOf(err: unknown, caller: Caller): Problem {
    if (err instanceof GatewayError) return err.problem;
    if (isRedisUnavailable(err)) return problem('service_unavailable', 'the gateway store (Redis) is unreachable; try again shortly');
    this.logger.error(
      { requestId: caller.requestId, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) },
      'MCP tool call failed',
    );
    return problem('internal_error', 'an unexpected error occurred; it has been logged');
  }
}

/** The scope of a /v1 route, from its `x-scopes`; fails closed (`admin`), as a route without a declared scope does. */
function scopeOf(document: OpenApiDocument, route: Route): Scope {
  const declared = operationOf(document, route.method, route.path).scopes[0];
  return SCOPES.find((s) => s === declared) ?? 'admin';
}

/** A problem as a tool error: its detail and fields for the model to read, and the problem itself as JSON. */
function toolError(found: Problem): CallToolResult {
  const fields = found.errors?.length ? `\nFields: ${found.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}` : '';
  return { isError: true, content: [{ type: 'text', text: `${found.detail} (${found.code})${fields}\n${JSON.stringify(found)}` }] };
}
