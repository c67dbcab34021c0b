import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ProblemDoc } from '../common/api-docs.js';
import { productIds } from '../products/index.js';
import { productExamples, withProductViews } from '../products/product-property.js';
import { PEERING_STATES } from '../domain/peering-state.js';
import { CONDITION_TYPES } from '../domain/condition.js';

/* Response documents (OpenAPI): the peering as GET /v1/peerings/{id} shows it (src/domain/peering.ts, toPeeringView). */

@ApiSchema({ name: 'ClusterRef' })
export class ClusterRefDoc {
  @ApiProperty({ example: 'east' }) cluster: string;
}

@ApiSchema({ name: 'ExternalPeer', description: 'The far side of a one-sided peering; its secret is never shown' })
export class ExternalPeerViewDoc {
  @ApiPropertyOptional({ type: [String], description: "The far cluster's addresses, for products whose secret does not carry them", example: ['10.2.0.11'] })
  addresses?: string[];
}

@ApiSchema({ name: 'PeeringRemote', description: 'Either `cluster` (a managed cluster: both sides done by the gateway) or `external` (only the local side)' })
export class PeeringRemoteDoc {
  @ApiPropertyOptional({ example: 'west' }) cluster?: string;
  @ApiPropertyOptional({ type: ExternalPeerViewDoc }) external?: ExternalPeerViewDoc;
}

@ApiSchema({ name: 'SideStatus', description: "One side as its cluster names it: the product's own id and state" })
export class SideStatusDoc {
  @ApiProperty({
    type: String,
    nullable: true,
    description: "The product's id of this side (its record's UUID or ID); null until it exists",
    example: null,
  })
  nativeId: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The product's state of this side, in the product's words", example: null })
  nativeState: string | null;
}

@ApiSchema({ name: 'PeeringSides' })
export class PeeringSidesDoc {
  @ApiProperty({ type: SideStatusDoc }) local: SideStatusDoc;
  @ApiProperty({ type: SideStatusDoc, nullable: true, description: 'null for an external peer: the gateway does not see that side' })
  remote: SideStatusDoc | null;
}

@ApiSchema({ name: 'Condition', description: 'One thing that must be true for the peering to work (Kubernetes-style)' })
export class ConditionDoc {
  @ApiProperty({ enum: CONDITION_TYPES, example: 'Healthy' }) type: string;
  @ApiProperty({ enum: ['True', 'False', 'Unknown'], example: 'False' }) status: string;
  @ApiProperty({ description: 'One CamelCase word', example: 'StreamStale' }) reason: string;
  @ApiProperty({ description: 'A sentence for a person', example: 'west reads ACTIVE: the peering stream has been quiet for 40 s' }) message: string;
  @ApiProperty({ format: 'date-time', description: 'When its status last changed' }) lastTransitionTime: string;
}

@ApiSchema({ name: 'PeeringApprovalCluster' })
export class PeeringApprovalClusterDoc {
  @ApiProperty({ example: 'vault' }) cluster: string;
  @ApiProperty({ type: [String], example: ['storage-admins'] }) approverTeams: string[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Who approved: {type, id, team}' }) approvedBy?: Record<string, unknown>;
  @ApiPropertyOptional({ format: 'date-time' }) approvedAt?: string;
  @ApiPropertyOptional() comment?: string;
}

@ApiSchema({ name: 'PeeringApproval', description: 'What an approval-required peering waits for' })
export class PeeringApprovalDoc {
  @ApiProperty({ type: [PeeringApprovalClusterDoc] }) clusters: PeeringApprovalClusterDoc[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Who asked: {type, id, team}' }) requestedBy: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiPropertyOptional({ enum: ['rejected', 'expired'] }) outcome?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) decidedBy?: Record<string, unknown>;
  @ApiPropertyOptional() reason?: string;
}

@ApiSchema({ name: 'Peering', description: 'A peering between two clusters of one product, in one shape for every product' })
export class PeeringDoc {
  @ApiProperty({ example: 'pr_01jd0c7v9q4m2x8r6t5y3w1zab' }) id: string;
  @ApiProperty({ example: 'east-west' }) name: string;
  @ApiProperty({ enum: productIds(), example: productIds()[0] }) product: string;
  @ApiProperty({ type: ClusterRefDoc }) local: ClusterRefDoc;
  @ApiProperty({ type: PeeringRemoteDoc }) remote: PeeringRemoteDoc;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { team: 'storage' } }) labels: Record<string, string>;
  @ApiPropertyOptional({ example: 'team-storage' }) owner?: string;
  @ApiProperty({
    enum: PEERING_STATES,
    enumName: 'PeeringState',
    description:
      'PENDING -> ESTABLISHING -> ACTIVE (AWAITING_APPROVAL first when a cluster needs an approval); ACTIVE <-> DEGRADED; any -> FAILED (terminal until someone acts); any -> DELETING -> DELETED',
  })
  state: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why the state last changed', example: null }) stateReason: string | null;
  @ApiProperty({ type: PeeringSidesDoc }) sides: PeeringSidesDoc;
  @ApiProperty({ type: ProblemDoc, nullable: true, description: 'Why the latest operation failed (a problem object), or null' }) lastError: ProblemDoc | null;
  @ApiProperty({ example: 'op_01jd0c7v9q4m2x8r6t5y3w1zac', description: 'The latest operation: GET /v1/operations/{operationId}' }) operationId: string;
  @ApiProperty({ format: 'date-time', example: '2025-11-24T06:30:00.000Z' }) createdAt: string;
  @ApiProperty({ format: 'date-time', example: '2025-11-24T06:30:02.000Z' }) updatedAt: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When DELETED was reached' }) deletedAt?: string;
  @ApiPropertyOptional({
    type: [ConditionDoc],
    description: 'Ready, Approved, Established, Authenticated, Healthy...: whenever the state is not ACTIVE, one is False or Unknown and says why',
  })
  conditions?: ConditionDoc[];
  @ApiPropertyOptional({ type: PeeringApprovalDoc, description: 'When a cluster of the peering needs an approval' }) approval?: PeeringApprovalDoc;
}

// The products' options (under their ids) and what they keep on a peering (its parts...).
withProductViews(PeeringDoc, 'peeringCreate');

@ApiSchema({ name: 'PeeringList', description: 'A page of peerings, oldest first' })
export class PeeringListDoc {
  @ApiProperty({ type: [PeeringDoc] }) items: PeeringDoc[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page', example: null }) nextCursor:
    string | null;
}

/**
 * Request examples for POST /v1/peerings, one per kind of peering, contributed by the products
 * (each accepted as sent by the sandbox): test/clients/typed-client.e2e.ts sends every one of them.
 */
export const CREATE_PEERING_EXAMPLES = productExamples();

@ApiSchema({ name: 'PlanCheck', description: 'One check of a dry run' })
export class PlanCheckDoc {
  @ApiProperty({ example: 'intercluster-lifs' }) name: string;
  @ApiProperty({ enum: ['local', 'remote'] }) side: string;
  @ApiProperty({ enum: ['pass', 'warn', 'fail'] }) status: string;
  @ApiProperty({ example: 'no intercluster LIF in IPspace Default on west' }) message: string;
  @ApiPropertyOptional({ example: 'create an intercluster LIF on each node of west' }) fix?: string;
}

@ApiSchema({ name: 'PlanStep', description: 'One step the real call would take' })
export class PlanStepDoc {
  @ApiProperty({ enum: ['local', 'remote', 'gateway'] }) side: string;
  @ApiProperty({ example: 'offer' }) action: string;
  @ApiProperty() description: string;
}

@ApiSchema({ name: 'Plan', description: 'A dry run: what the call would find and do; nothing was changed anywhere' })
export class PlanDoc {
  @ApiProperty({ description: 'True when no check fails' }) ready: boolean;
  @ApiProperty({ type: [PlanCheckDoc] }) checks: PlanCheckDoc[];
  @ApiProperty({ type: [PlanStepDoc] }) steps: PlanStepDoc[];
}
