import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { productIds } from '../products/index.js';
import { withProductViews } from '../products/product-property.js';
import { ClusterApprovalDto } from './cluster.dto.js';

/* Response documents (OpenAPI): a cluster as callers see it (src/domain/cluster.ts, toClusterView): secrets never. */

@ApiSchema({ name: 'ClusterAuthView', description: 'Which credentials are set, never their values' })
export class ClusterAuthViewDoc {
  @ApiPropertyOptional({ example: 'admin' }) username?: string;
  @ApiProperty({ description: 'A password is registered (products with basic auth)' }) passwordSet: boolean;
  @ApiProperty({ description: 'A token is registered (products with token auth)' }) tokenSet: boolean;
}

@ApiSchema({ name: 'ClusterTlsView' })
export class ClusterTlsViewDoc {
  @ApiProperty({ description: 'A CA bundle is registered for the cluster certificate' }) caConfigured: boolean;
}

@ApiSchema({ name: 'Cluster', description: 'A registered cluster of one of the products' })
export class ClusterViewDoc {
  @ApiProperty({ example: 'east' }) id: string;
  @ApiProperty({ enum: productIds(), example: productIds()[0] }) product: string;
  @ApiProperty({ example: 'https://10.1.0.5' }) endpoint: string;
  @ApiProperty({ type: ClusterAuthViewDoc }) auth: ClusterAuthViewDoc;
  @ApiProperty({ type: ClusterTlsViewDoc }) tls: ClusterTlsViewDoc;
  @ApiProperty({ enum: ['api', 'file', 'sandbox'], description: 'How it was registered' }) source: string;
  @ApiPropertyOptional({ type: [String], description: 'The teams whose peerings may use it; absent: every team' }) allowedTeams?: string[];
  @ApiPropertyOptional({ type: ClusterApprovalDto, description: 'Approvals for peerings on this cluster' }) approval?: ClusterApprovalDto;
  @ApiProperty({ format: 'date-time', example: '2025-11-24T06:00:00.000Z' }) createdAt: string;
  @ApiProperty({ format: 'date-time', example: '2025-11-24T06:00:00.000Z' }) updatedAt: string;
}

// The products' facts, each under its product id.
withProductViews(ClusterViewDoc, 'clusterFacts');

@ApiSchema({ name: 'ClusterList' })
export class ClusterListDoc {
  @ApiProperty({ type: [ClusterViewDoc] }) items: ClusterViewDoc[];
}
