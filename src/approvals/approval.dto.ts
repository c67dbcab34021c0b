import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/page-query.js';
import { PeeringDoc } from '../peerings/peering-response.dto.js';

export class ApproveDto {
  @ApiPropertyOptional({ description: 'Why it is approved, for the record (shown as text)', maxLength: 1000, example: 'capacity checked' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string;
}

export class RejectDto {
  @ApiProperty({ description: 'Why it is rejected: the requester reads it in lastError', maxLength: 1000, example: 'no SnapMirror to this site' })
  @IsString({ message: 'reason is required: say why the peering is rejected' })
  @IsNotEmpty({ message: 'reason must not be empty' })
  @MaxLength(1000)
  reason: string;
}

export class ListApprovalsQuery extends PageQuery {}

@ApiSchema({ name: 'ApprovalActor' })
export class ApprovalActorDoc {
  @ApiProperty({ enum: ['admin', 'api-key', 'oidc', 'system', 'anonymous'] }) type: string;
  @ApiProperty({ type: String, nullable: true }) id: string | null;
  @ApiProperty({ type: String, nullable: true }) team: string | null;
}

@ApiSchema({ name: 'ClusterApproval', description: 'One cluster that needs an approval' })
export class ClusterApprovalDoc {
  @ApiProperty({ example: 'vault' }) cluster: string;
  @ApiProperty({ type: [String], example: ['storage-admins'] }) approverTeams: string[];
  @ApiProperty({ description: 'Already approved' }) approved: boolean;
}

@ApiSchema({ name: 'Approval', description: 'A peering awaiting an approval that the caller may give' })
export class ApprovalDoc {
  @ApiProperty({ example: 'pr_01jd0c7v9q4m2x8r6t5y3w1zab' }) peeringId: string;
  @ApiProperty({ example: 'east-vault' }) name: string;
  @ApiProperty({ description: 'The product of the peering (a registered product id)' }) product: string;
  @ApiProperty({ description: 'The team that asked', example: 'hybrid-infra' }) team: string;
  @ApiProperty({ type: ApprovalActorDoc, description: 'Who asked' }) requestedBy: ApprovalActorDoc;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ format: 'date-time', description: 'Past this (GATEWAY_APPROVAL_TTL) the peering fails with approval_expired' }) expiresAt: string;
  @ApiProperty({ type: [ClusterApprovalDoc] }) clusters: ClusterApprovalDoc[];
  @ApiProperty({ type: PeeringDoc }) peering: PeeringDoc;
}

@ApiSchema({ name: 'ApprovalList' })
export class ApprovalListDoc {
  @ApiProperty({ type: [ApprovalDoc] }) items: ApprovalDoc[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
