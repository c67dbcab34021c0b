import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/* Response document (OpenAPI): a Consul cluster's posture as consul-posture.ts reads it, contributed by the plugin. */

@ApiSchema({ name: 'ConsulPeeringTraffic' })
export class ConsulPeeringTrafficDoc {
  @ApiProperty({ enum: ['mtls'] }) encryption: string;
  @ApiProperty() detail: string;
}

@ApiSchema({ name: 'ConsulAcls' })
export class ConsulAclsDoc {
  @ApiProperty({ enum: ['presumed', 'unknown'], description: 'Presumed where the registration carries a token; not read from the datacenter' })
  enforced: string;
  @ApiProperty() tokenConfigured: boolean;
  @ApiProperty() detail: string;
}

@ApiSchema({ name: 'ConsulPosture', description: 'Consul: peering traffic is mTLS by design; ACLs as known from the registration' })
@ApiSchema({ name: 'ConsulPeeringSwitch' })
export class ConsulPeeringSwitchDoc {
  @ApiProperty({ type: Boolean, nullable: true, description: 'Whether cluster peering is enabled on the datacenter; null when its answer said neither' })
  enabled: boolean | null;
  @ApiProperty() detail: string;
}

@ApiSchema({ name: 'ConsulExportsPosture' })
export class ConsulExportsPostureDoc {
  @ApiProperty({
    type: Boolean,
    nullable: true,
    description: "Whether the registered token may write the partition's exported-services entry (mesh:write); null when the answer said neither",
  })
  canWrite: boolean | null;
  @ApiProperty() detail: string;
}

export class ConsulPostureDoc {
  @ApiProperty({ example: 'consul-dc1' }) cluster: string;
  @ApiProperty({ enum: ['consul'] }) product: string;
  @ApiProperty({ format: 'date-time' }) checkedAt: string;
  @ApiProperty({ type: ConsulPeeringTrafficDoc }) peeringTraffic: ConsulPeeringTrafficDoc;
  @ApiProperty({ type: ConsulAclsDoc }) acls: ConsulAclsDoc;
  @ApiProperty({ type: ConsulPeeringSwitchDoc }) peering: ConsulPeeringSwitchDoc;
  @ApiProperty({ type: ConsulExportsPostureDoc }) exports: ConsulExportsPostureDoc;
}
