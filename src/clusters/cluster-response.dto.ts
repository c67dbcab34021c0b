import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { productIds } from '../products/index.js';
import { ClusterApprovalDto, ConsulFactsDto, OntapFactsDto } from './cluster.dto.js';

/* Response documents (OpenAPI): a cluster as callers see it (src/clusters/cluster.ts, toClusterView): secrets never. */

@ApiSchema({ name: 'ClusterAuthView', description: 'Which credentials are set, never their values' })
export class ClusterAuthViewDoc {
  @ApiPropertyOptional({ example: 'admin' }) username?: string;
  @ApiProperty({ description: 'A password is registered (ONTAP)' }) passwordSet: boolean;
  @ApiProperty({ description: 'An ACL token is registered (Consul)' }) tokenSet: boolean;
}

@ApiSchema({ name: 'ClusterTlsView' })
export class ClusterTlsViewDoc {
  @ApiProperty({ description: 'A CA bundle is registered for the cluster certificate' }) caConfigured: boolean;
}

@ApiSchema({ name: 'Cluster', description: 'A registered cluster: an ONTAP cluster or a Consul datacenter' })
export class ClusterViewDoc {
  @ApiProperty({ example: 'ontap-east' }) id: string;
  @ApiProperty({ enum: productIds(), example: 'ontap' }) product: string;
  @ApiProperty({ example: 'https://10.1.0.5' }) endpoint: string;
  @ApiProperty({ type: ClusterAuthViewDoc }) auth: ClusterAuthViewDoc;
  @ApiProperty({ type: ClusterTlsViewDoc }) tls: ClusterTlsViewDoc;
  @ApiProperty({ enum: ['api', 'file', 'sandbox'], description: 'How it was registered' }) source: string;
  @ApiPropertyOptional({ type: [String], description: 'The teams whose peerings may use it; absent: every team' }) allowedTeams?: string[];
  @ApiPropertyOptional({ type: ClusterApprovalDto, description: 'Approvals for peerings on this cluster' }) approval?: ClusterApprovalDto;
  @ApiPropertyOptional({ type: OntapFactsDto, description: 'ONTAP clusters' }) ontap?: OntapFactsDto;
  @ApiPropertyOptional({ type: ConsulFactsDto, description: 'Consul datacenters' }) consul?: ConsulFactsDto;
  @ApiProperty({ format: 'date-time', example: '2025-11-24T06:00:00.000Z' }) createdAt: string;
  @ApiProperty({ format: 'date-time', example: '2025-11-24T06:00:00.000Z' }) updatedAt: string;
}

@ApiSchema({ name: 'ClusterList' })
export class ClusterListDoc {
  @ApiProperty({ type: [ClusterViewDoc] }) items: ClusterViewDoc[];
}
