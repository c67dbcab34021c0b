import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/* Response document (OpenAPI): an ONTAP cluster's posture as ontap-posture.ts reads it, contributed by the plugin. */

@ApiSchema({ name: 'KeyManagerStatus' })
export class KeyManagerStatusDoc {
  @ApiProperty({ example: 65537708 }) code: number;
  @ApiProperty({ example: 'The key manager is not configured' }) message: string;
}

@ApiSchema({ name: 'KeyServer' })
export class KeyServerDoc {
  @ApiProperty({ example: '10.1.0.90:5696' }) server: string;
  @ApiProperty({ type: Boolean, nullable: true }) reachable: boolean | null;
}

@ApiSchema({ name: 'KeyManagerPosture' })
export class KeyManagerPostureDoc {
  @ApiProperty() uuid: string;
  @ApiProperty({ enum: ['onboard', 'external'] }) type: string;
  @ApiProperty({ enum: ['cluster', 'svm'] }) scope: string;
  @ApiProperty({ type: String, nullable: true }) svm: string | null;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ type: KeyManagerStatusDoc, nullable: true, description: "ONTAP's status; null when the cluster reports none" })
  status: KeyManagerStatusDoc | null;
  @ApiPropertyOptional({ type: [KeyServerDoc] }) keyServers?: KeyServerDoc[];
}

@ApiSchema({ name: 'IpsecEndpoint' })
export class IpsecEndpointDoc {
  @ApiPropertyOptional({ example: '10.1.10.0' }) address?: string;
  @ApiPropertyOptional({ example: '24' }) netmask?: string;
  @ApiPropertyOptional({ example: '11104' }) port?: string;
}

@ApiSchema({ name: 'IpsecPolicyPosture', description: 'An IPsec policy, never its key' })
export class IpsecPolicyPostureDoc {
  @ApiProperty() uuid: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) svm: string | null;
  @ApiProperty({ type: String, nullable: true }) scope: string | null;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ type: String, nullable: true }) action: string | null;
  @ApiProperty({ type: String, nullable: true }) authenticationMethod: string | null;
  @ApiProperty({ type: IpsecEndpointDoc, nullable: true }) localEndpoint: IpsecEndpointDoc | null;
  @ApiProperty({ type: IpsecEndpointDoc, nullable: true }) remoteEndpoint: IpsecEndpointDoc | null;
  @ApiProperty({ type: String, nullable: true }) protocol: string | null;
}

@ApiSchema({ name: 'DataAtRest' })
export class DataAtRestDoc {
  @ApiProperty({ description: 'A key manager works at cluster scope: what requireKeyManager needs' }) working: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Why it does not count as working', example: null }) reason: string | null;
}

@ApiSchema({ name: 'OntapPosture', description: 'ONTAP: key managers and IPsec policies, read now' })
export class OntapPostureDoc {
  @ApiProperty({ example: 'ontap-east' }) cluster: string;
  @ApiProperty({ enum: ['ontap'] }) product: string;
  @ApiProperty({ format: 'date-time' }) checkedAt: string;
  @ApiProperty({ type: DataAtRestDoc }) dataAtRest: DataAtRestDoc;
  @ApiProperty({ type: [KeyManagerPostureDoc] }) keyManagers: KeyManagerPostureDoc[];
  @ApiProperty({ type: [IpsecPolicyPostureDoc] }) ipsecPolicies: IpsecPolicyPostureDoc[];
}
