import { PeeringRecords } from '../../port.js';
import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { NativeSide } from '../../port.js';
import type { Cluster } from '../../../domain/cluster.js';
import { LOGGER } from '../../../common/logger.js';
import { type FieldError, GatewayError } from '../../../common/problem.js';
import { nowIso } from '../../../common/time.js';
import type { HandshakeExtension, PeeringClusters, StepRunner } from '../../handshake-extension.js';
import type { Peering } from '../../../domain/peering.js';
import { type IpsecPolicyRecord, matchesPlan, planPolicies, type PlannedPolicy, policyBody, policyName } from './ipsec-plan.js';
import { assessKeyManagers } from './key-manager-check.js';
import { OntapSecurityClient } from './ontap-security.client.js';
import type { IpsecPolicyRef, KeyManagerFinding, PeeringSecurity, SideEncryption } from './peering-security.js';
import { asGatewayError } from './security-errors.js';
import { contextOf } from '../../../common/request-context.js';

/**
 * The security of an ONTAP peering, around the handshake:
 * - precheck (API, nothing written yet): `requireKeyManager` needs a working key manager on
 *   both clusters; `ipsec` needs the data SVMs and no different policy under the peering's name.
 * - afterEstablished (worker, before ACTIVE): records the peer relationship's encryption and
 *   makes the IPsec policy on both clusters with one pre-shared key, or adopts identical ones.
 * - beforeTeardown (worker): removes the peering's IPsec policies.
 *
 * The pre-shared key is generated for one creation of both policies and lives only in that call:
 * it is never returned, logged or stored. ONTAP never shows it again, so a policy found on one
 * side only cannot be paired: it is removed, and both are made again with a fresh key.
 */
@Injectable()
export class OntapSecurityExtension implements HandshakeExtension {
  constructor(
    private readonly security: OntapSecurityClient,
    private readonly peerings: PeeringRecords,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Refuses with 422 naming the cluster and the reason; 503 when a cluster cannot be read. The check's result goes on the peering. */
  async precheck(peering: Peering, clusters: PeeringClusters): Promise<void> {
    const required = peering.ontap?.requireKeyManager === true;
    const ipsec = Boolean(peering.ontap?.ipsec && clusters.remote);
    if (!required && !ipsec) return;
    let findings: KeyManagerFinding[];
    let ipsecErrors: FieldError[];
    try {
      [findings, ipsecErrors] = await Promise.all([
        required ? Promise.all(sides(clusters).map(async ({ cluster }) => assessKeyManagers(cluster.id, await this.security.keyManagers(cluster)))) : [],
        ipsec ? this.ipsecPreconditions(peering, clusters.local, clusters.remote!) : [],
      ]);
    } catch (err) {
      throw asGatewayError(err);
    }
    const errors: FieldError[] = [
      ...findings.flatMap((finding, i) =>
        finding.working ? [] : [{ field: `${sides(clusters)[i].role}.cluster`, message: `${finding.cluster}: ${finding.reason}` }],
      ),
      ...ipsecErrors,
    ];
    if (errors.length) throw new GatewayError('precondition_failed', errors.map((e) => e.message).join('; '), { errors });
    // The peering is not stored yet: what is set on it here is written with it.
    if (required)
      peering.security = { ...peering.security, keyManagers: { required: true, checkedAt: nowIso(), local: findings[0], remote: findings[1] ?? null } };
  }

  async afterEstablished(run: StepRunner, peering: Peering, clusters: PeeringClusters, natives: NativeSide[]): Promise<void> {
    const encryption = encryptionOf(clusters, natives);
    let ipsec: PeeringSecurity['ipsec'];
    if (peering.ontap?.ipsec && clusters.remote) {
      const policies = await run.step('ipsec-policies', () => this.ensurePolicies(peering, clusters.local, clusters.remote!), describePolicies);
      ipsec = { state: 'active', name: policyName(peering), policies, updatedAt: nowIso() };
    }
    await this.record(peering.id, { encryption, ...(ipsec ? { ipsec } : {}) });
  }

  async beforeTeardown(run: StepRunner, peering: Peering, clusters: PeeringClusters): Promise<void> {
    if (!peering.ontap?.ipsec || !clusters.remote) return;
    const recorded = new Set((peering.security?.ipsec?.policies ?? []).map((p) => p.uuid));
    const plans = planPolicies(peering, clusters.local, clusters.remote);
    const removed = await run.step(
      'ipsec-remove',
      async () => {
        const counts = await Promise.all(
          plans.map(async (plan) => {
            // Only what is the peering's: a policy it recorded, or one identical to its plan.
            const records = (await this.policiesNamed(plan)).filter((r) => recorded.has(r.uuid) || matchesPlan(r, plan));
            for (const record of records) await this.security.deleteIpsecPolicy(plan.cluster, record.uuid);
            return records.length;
          }),
        );
        return counts.reduce((a, b) => a + b, 0);
      },
      (n) => (n ? `removed ${n} IPsec ${n === 1 ? 'policy' : 'policies'}` : 'no IPsec policy left to remove'),
    );
    if (removed || peering.security?.ipsec?.state === 'active') {
      await this.record(peering.id, { ipsec: { state: 'removed', name: policyName(peering), policies: [], updatedAt: nowIso() } });
    }
  }

  /** Each data SVM must exist, and a policy already under the peering's name must be identical to be adopted. */
  private async ipsecPreconditions(peering: Peering, local: Cluster, remote: Cluster): Promise<FieldError[]> {
    const options = peering.ontap!.ipsec!;
    const plans = planPolicies(peering, local, remote);
    const results = await Promise.all(
      plans.map(async (plan, i): Promise<FieldError[]> => {
        const field = i === 1 && options.remoteSvm ? 'ontap.ipsec.remoteSvm' : 'ontap.ipsec.svm';
        if (!(await this.security.dataSvm(plan.cluster, plan.svm))) {
          return [{ field, message: `${plan.cluster.id} has no data SVM named '${plan.svm}' (IPsec is for data SVMs only: ONTAP 66257117)` }];
        }
        const other = (await this.policiesNamed(plan)).find((record) => !matchesPlan(record, plan));
        return other ? [{ field: 'name', message: conflictMessage(plan) }] : [];
      }),
    );
    return results.flat();
  }

  /** Adopts both policies when both exist as planned; otherwise makes both with a new key. */
  private async ensurePolicies(peering: Peering, local: Cluster, remote: Cluster): Promise<IpsecPolicyRef[]> {
    const plans = planPolicies(peering, local, remote);
    const found = await Promise.all(
      plans.map(async (plan) => {
        const records = await this.policiesNamed(plan);
        if (records.some((record) => !matchesPlan(record, plan))) throw new GatewayError('conflict', conflictMessage(plan));
        return records[0] ?? null;
      }),
    );
    if (found[0] && found[1]) return plans.map((plan, i) => policyRef(plan, found[i]!.uuid, true));
    // One side only: its key cannot be read back to give to the other side.
    for (const [i, record] of found.entries()) if (record) await this.security.deleteIpsecPolicy(plans[i].cluster, record.uuid);
    return this.createBoth(peering, plans);
  }

  /** The local cluster's policy, then the remote's; a failure on the second removes the first. */
  private async createBoth(peering: Peering, plans: PlannedPolicy[]): Promise<IpsecPolicyRef[]> {
    const secretKey = `0x${randomBytes(32).toString('hex')}`;
    const created: IpsecPolicyRef[] = [];
    try {
      for (const plan of plans) created.push(policyRef(plan, await this.security.createIpsecPolicy(plan.cluster, policyBody(plan, secretKey)), false));
      return created;
    } catch (err) {
      for (const made of created) {
        const plan = plans.find((p) => p.cluster.id === made.cluster)!;
        await this.security.deleteIpsecPolicy(plan.cluster, made.uuid).catch((rollBackError: unknown) => {
          this.logger.warn(
            { ...contextOf(plan.cluster), peering: peering.id, cluster: made.cluster, policy: made.name, err: (rollBackError as Error).message },
            'IPsec roll-back failed; the next attempt or the delete removes the policy',
          );
        });
      }
      throw err;
    }
  }

  private policiesNamed(plan: PlannedPolicy): Promise<IpsecPolicyRecord[]> {
    return this.security.ipsecPolicies(plan.cluster, { name: plan.name, 'svm.name': plan.svm });
  }

  private async record(id: string, change: PeeringSecurity): Promise<void> {
    await this.peerings.update(id, (p) => ({ ...p, security: { ...p.security, ...change }, updatedAt: nowIso() }));
  }
}

/** The peer relationship's encryption on each side, from the records the handshake just read. */
function encryptionOf(clusters: PeeringClusters, natives: NativeSide[]): NonNullable<PeeringSecurity['encryption']> {
  const side = (cluster: Cluster | undefined, native: NativeSide | undefined): SideEncryption | null =>
    cluster && native?.encryption ? { cluster: cluster.id, ...native.encryption } : null;
  return { checkedAt: nowIso(), local: side(clusters.local, natives[0]), remote: side(clusters.remote, natives[1]) };
}

function sides(clusters: PeeringClusters): { role: 'local' | 'remote'; cluster: Cluster }[] {
  return [{ role: 'local' as const, cluster: clusters.local }, ...(clusters.remote ? [{ role: 'remote' as const, cluster: clusters.remote }] : [])];
}

function policyRef(plan: PlannedPolicy, uuid: string, adopted: boolean): IpsecPolicyRef {
  return { cluster: plan.cluster.id, svm: plan.svm, name: plan.name, uuid, adopted };
}

function conflictMessage(plan: PlannedPolicy): string {
  return `${plan.cluster.id} already has an IPsec policy named '${plan.name}' on SVM '${plan.svm}' that differs from this peering's (subnets, ports, protocol or authentication); delete it, or choose another peering name`;
}

function describePolicies(policies: IpsecPolicyRef[]): string {
  const verb = (p: IpsecPolicyRef) => (p.adopted ? 'adopted' : 'created');
  return policies.map((p) => `${verb(p)} ${p.name} on ${p.cluster}/${p.svm}`).join(', ');
}
