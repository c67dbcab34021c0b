import { Injectable } from '@nestjs/common';
import { Caller } from '../domain/access.js';
import { type Cluster } from '../domain/cluster.js';
import { ClusterStore } from '../stores/cluster.store.js';
import { GatewayError } from '../common/problem.js';
import { nowIso } from '../common/time.js';
import type { PlanCheck, PlanRequest, PlanStep } from '../products/product-plugin.js';
import { ProductRegistry } from '../products/product-registry.js';
import { type NativeSide, type SideContext, UpstreamError } from '../products/port.js';
import { isTwoSided, type Peering } from '../domain/peering.js';
import { CreatePeeringDto, UpdatePeeringDto } from './peering.dto.js';
import { PeeringStore } from '../stores/peering.store.js';
import { PeeringsService } from './peerings.service.js';

/** One step the real call would take. */
/** A dry run's answer: `ready` is true when no check fails. */
export interface Plan {
  ready: boolean;
  checks: PlanCheck[];
  steps: PlanStep[];
}

interface Side {
  role: 'local' | 'remote';
  context: SideContext;
  native: NativeSide | null;
  /** Why the cluster could not be read, when it could not. */
  error?: UpstreamError | Error;
}

/**
 * Dry runs of create, change and delete (docs/self-service.md): the same validation as the real
 * call, then only reads (the gateway's own records, and GETs on the clusters), never a write.
 * Product-neutral: each product's plugin contributes its own checks (`planChecks`).
 */
@Injectable()
export class PeeringPlanner {
  constructor(
    private readonly peerings: PeeringsService,
    private readonly store: PeeringStore,
    private readonly clusters: ClusterStore,
    private readonly products: ProductRegistry,
  ) {}

  async planCreate(input: CreatePeeringDto, caller = Caller.system()): Promise<Plan> {
    const now = nowIso();
    const { peering, local, remote, plugin, approval } = await this.peerings.draft(input, caller, 'pr_dry_run', now, 'op_dry_run');
    const sides = await this.read(peering, local, remote);
    const checks = [...sides.map(credentials), ...(await this.nameChecks(peering, sides, plugin.extraLocks?.(peering) ?? []))];
    const request: PlanRequest = { action: 'create', peering, local, remote };
    checks.push(...(await this.productChecks(request)));
    const steps: PlanStep[] = [];
    if (approval) {
      const who = approval.clusters.map((c) => `${c.cluster} (teams ${c.approverTeams.join(', ')})`).join(', ');
      checks.push({
        name: 'approval',
        side: 'local',
        status: 'warn',
        message: `needs an approval on ${who}`,
        fix: 'ask an approver team, or have one of them make the request',
      });
      steps.push({ side: 'gateway', action: 'await-approval', description: `wait for an approval on ${who}; nothing is sent to any cluster before` });
    }
    const [localSide, remoteSide] = sides;
    const title = plugin.title;
    if (localSide.native && (!remoteSide || remoteSide.native)) {
      for (const side of sides)
        steps.push({ side: side.role, action: 'adopt', description: `adopt the ${title} record '${peering.name}' on ${side.context.cluster.id}` });
    } else {
      steps.push(
        localSide.native
          ? { side: 'local', action: 'renew-offer', description: `renew the secret of the existing ${title} record on ${local.id}` }
          : { side: 'local', action: 'offer', description: `create the ${title} record '${peering.name}' on ${local.id} and take its secret (an offer)` },
      );
      if (remoteSide) steps.push({ side: 'remote', action: 'accept', description: `accept the offer on ${remoteSide.context.cluster.id} with that secret` });
      else if (input.remote.external?.secret === undefined)
        steps.push({
          side: 'remote',
          action: 'hand-over-secret',
          description: 'return the offer secret once (GET /v1/operations/{id}) for the far side to accept',
        });
    }
    steps.push(...(this.products.for(peering.product).planChecks?.partSteps?.(request) ?? []));
    steps.push({ side: 'gateway', action: 'await-active', description: `read every side until ${title} says it carries traffic; then ACTIVE` });
    return plan(checks, steps);
  }

  async planUpdate(id: string, input: UpdatePeeringDto, caller = Caller.system()): Promise<Plan> {
    const { current, change, team } = await this.peerings.checkUpdate(id, input, caller);
    const { local, remote } = await this.clustersOf(current);
    const sides = await this.read(current, local, remote);
    const checks = [...sides.map(credentials), ...sides.map((s) => presence(s, current))];
    checks.push(...(await this.productChecks({ action: 'update', peering: current, local, remote })));
    const steps: PlanStep[] = [];
    if (input.labels !== undefined || team !== (current.team ?? team))
      steps.push({ side: 'gateway', action: 'update-record', description: 'change labels and team at once' });
    if (change.remoteAddresses)
      steps.push({ side: 'local', action: 'retarget', description: `point the record on ${local.id} at ${change.remoteAddresses.join(', ')}` });
    if (change.rotateSecret) {
      steps.push({ side: 'local', action: 'renew-secret', description: `renew the secret on ${local.id}` });
      if (remote) steps.push({ side: 'remote', action: 'confirm-secret', description: `confirm the new secret on ${remote.id}` });
    }
    if (change.remoteAddresses || change.rotateSecret) steps.push({ side: 'gateway', action: 'await-active', description: 'read every side until healthy' });
    return plan(checks, steps);
  }

  async planRemove(id: string, caller = Caller.system()): Promise<Plan> {
    const current = await this.peerings.checkRemove(id, caller);
    if (current.state === 'DELETING' || current.state === 'DELETED')
      return plan([], [{ side: 'gateway', action: 'none', description: `the peering is already ${current.state}: the delete answers as it stands` }]);
    if (current.state === 'AWAITING_APPROVAL')
      return plan([], [{ side: 'gateway', action: 'cancel', description: 'end the request at once: nothing was sent to any cluster' }]);
    const { local, remote } = await this.clustersOf(current);
    const sides = await this.read(current, local, remote);
    const checks = [...sides.map(credentials), ...(await this.productChecks({ action: 'delete', peering: current, local, remote }))];
    const steps: PlanStep[] = sides.map((s) =>
      s.native
        ? { side: s.role, action: 'remove', description: `delete the record '${current.name}' (${s.native.nativeState}) on ${s.context.cluster.id}` }
        : { side: s.role, action: 'skip', description: `no record on ${s.context.cluster.id}: nothing to delete there` },
    );
    steps.push({ side: 'gateway', action: 'await-removed', description: 'follow each removal to its end; then DELETED' });
    return plan(checks, steps);
  }

  /** Each managed side's record, read (GET) from its cluster. */
  private async read(peering: Peering, local: Cluster, remote: Cluster | null): Promise<Side[]> {
    const adapter = this.products.adapter(peering.product);
    const contexts: Side['context'][] = [
      { cluster: local, peering, counterpart: remote ? { cluster: remote } : { addresses: peering.remote.external?.addresses } },
    ];
    if (remote) contexts.push({ cluster: remote, peering, counterpart: { cluster: local } });
    return Promise.all(
      contexts.map(async (context, i): Promise<Side> => {
        const role = i === 0 ? 'local' : 'remote';
        try {
          return { role, context, native: await adapter.find(context) };
        } catch (err) {
          return { role, context, native: null, error: err as Error };
        }
      }),
    );
  }

  /** `name` per side: no live peering of the gateway holds the name (or the product's lock), and what the cluster has under it. */
  private async nameChecks(peering: Peering, sides: Side[], extraLocks: { name: string; conflict: (holder: string) => string }[]): Promise<PlanCheck[]> {
    const holders = await this.store.lockHolders(
      peering,
      extraLocks.map((l) => l.name),
    );
    const managed = this.store.managedClusters(peering);
    return sides.map((side, i) => {
      const holder = holders[i];
      const extra = extraLocks.map((l, j) => ({ l, holder: holders[managed.length + j] })).find((e) => e.holder);
      if (holder)
        return {
          name: 'name',
          side: side.role,
          status: 'fail' as const,
          message: `a live peering named '${peering.name}' already uses ${side.context.cluster.id}: ${holder}`,
          fix: `choose another name, or delete ${holder} first`,
        };
      if (extra && i === 0)
        return { name: 'name', side: side.role, status: 'fail' as const, message: extra.l.conflict(extra.holder!), fix: `delete ${extra.holder} first` };
      return presence(side, peering);
    });
  }

  private async productChecks(request: PlanRequest): Promise<PlanCheck[]> {
    const checks = this.products.for(request.peering.product).planChecks;
    return checks ? checks.checks(request) : [];
  }

  private async clustersOf(peering: Peering): Promise<{ local: Cluster; remote: Cluster | null }> {
    const get = async (id: string) => {
      const cluster = await this.clusters.get(id);
      if (!cluster) throw new GatewayError('conflict', `cluster '${id}' of peering ${peering.id} is no longer registered`);
      return cluster;
    };
    return { local: await get(peering.local.cluster), remote: isTwoSided(peering) ? await get(peering.remote.cluster) : null };
  }
}

function plan(checks: PlanCheck[], steps: PlanStep[]): Plan {
  return { ready: !checks.some((c) => c.status === 'fail'), checks, steps };
}

/** `credentials`: the cluster answers with the registered credentials. */
function credentials(side: Side): PlanCheck {
  const id = side.context.cluster.id;
  const err = side.error;
  const status = err instanceof UpstreamError ? err.upstream.status : null;
  if (!err || (status !== null && status !== 401 && status !== 403))
    return { name: 'credentials', side: side.role, status: 'pass', message: `${id} answers with the registered credentials` };
  if (status === 401 || status === 403)
    return {
      name: 'credentials',
      side: side.role,
      status: 'fail',
      message: `${id} refuses the registered credentials (HTTP ${status}: ${(err as UpstreamError).upstream.message})`,
      fix: `register ${id} again with working credentials (DELETE and POST /v1/clusters), with the rights the peering needs`,
    };
  return {
    name: 'credentials',
    side: side.role,
    status: 'fail',
    message: `${id} does not answer: ${err.message}`,
    fix: `check that ${id} is up and that the gateway can reach ${side.context.cluster.endpoint}`,
  };
}

/** What the cluster has under the peering's name: nothing, a record to adopt, or one still being deleted. */
function presence(side: Side, peering: Peering): PlanCheck {
  const id = side.context.cluster.id;
  const native = side.native;
  if (side.error) return { name: 'name', side: side.role, status: 'warn', message: `could not read ${id}: ${side.error.message}` };
  if (!native) return { name: 'name', side: side.role, status: 'pass', message: `no record named '${peering.name}' on ${id}` };
  if (native.health === 'deleting')
    return {
      name: 'name',
      side: side.role,
      status: 'warn',
      message: `a record named '${peering.name}' is still being deleted on ${id}: the call waits until it is gone`,
    };
  if (native.health === 'terminated')
    return {
      name: 'name',
      side: side.role,
      status: 'warn',
      message: `the record '${peering.name}' on ${id} was terminated by its peer: it is removed and made again`,
    };
  return { name: 'name', side: side.role, status: 'pass', message: `a record named '${peering.name}' exists on ${id} (${native.nativeState}): it is adopted` };
}
