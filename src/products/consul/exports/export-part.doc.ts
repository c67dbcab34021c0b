import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions, ApiSchema } from '@nestjs/swagger';
import { PART_STATES } from '../../handshake-extension.js';

@ApiSchema({ name: 'ExportPart', description: 'One exported service of a Consul peering' })
export class ExportPartDoc {
  @ApiProperty({ example: 'web' }) service: string;
  @ApiProperty({ enum: PART_STATES, enumName: 'PartState', description: 'ready once the other side lists the service as imported' }) state: string;
  @ApiProperty({ description: 'The consumer was already in the entry: the gateway never removes it' }) adopted: boolean;
  @ApiProperty({ description: 'The gateway added the service to the entry itself' }) addedService: boolean;
  @ApiPropertyOptional({ description: 'Why it is not ready' }) detail?: string;
}

@ApiSchema({ name: 'ExportParts', description: 'The exported services of a Consul peering, by exporting side' })
export class ExportPartsDoc {
  @ApiProperty({ type: [ExportPartDoc], description: 'Exported by the local datacenter to the remote one' }) local: ExportPartDoc[];
  @ApiProperty({ type: [ExportPartDoc], description: 'Exported by the remote datacenter to the local one' }) remote: ExportPartDoc[];
}

export const EXPORT_PARTS_DOC: ApiPropertyOptions = {
  type: ExportPartsDoc,
  description: 'Consul peerings with `consul.exports`: each exported service and where it stands; the peering is ACTIVE only when every one is ready',
};
