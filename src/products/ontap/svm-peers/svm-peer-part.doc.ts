import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions, ApiSchema } from '@nestjs/swagger';
import { PART_STATES } from '../../handshake-extension.js';
import { SVM_PEER_APPLICATIONS } from './svm-peer-model.js';

@ApiSchema({ name: 'SvmPeerNativeIds', description: "The SVM peer's uuid on each cluster (null until it exists there)" })
class SvmPeerNativeIdsDoc {
  @ApiProperty({ type: String, nullable: true }) local: string | null;
  @ApiProperty({ type: String, nullable: true }) remote: string | null;
}

@ApiSchema({ name: 'SvmPeerPart', description: 'One SVM peer of an ONTAP peering, as made or adopted on the clusters' })
export class SvmPeerPartDoc {
  @ApiProperty({ example: 'svm_src' }) local: string;
  @ApiProperty({ example: 'svm_dst' }) remote: string;
  @ApiProperty({ enum: SVM_PEER_APPLICATIONS, isArray: true }) applications: string[];
  @ApiProperty({ enum: PART_STATES, enumName: 'PartState', description: 'ready once the pair reads peered on both clusters' }) state: string;
  @ApiProperty({ type: SvmPeerNativeIdsDoc }) nativeIds: SvmPeerNativeIdsDoc;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "ONTAP's state on the local cluster: initiated, pending, initializing, peered, rejected, suspended",
  })
  nativeState: string | null;
  @ApiProperty({ description: 'It existed before the gateway asked for it' }) adopted: boolean;
  @ApiPropertyOptional({ description: 'Why it is not ready' }) detail?: string;
}

export const SVM_PEER_PART_DOC: ApiPropertyOptions = {
  type: SvmPeerPartDoc,
  isArray: true,
  description: 'ONTAP peerings with `ontap.svmPeers`: each SVM peer and where it stands; the peering is ACTIVE only when every one is ready',
};
