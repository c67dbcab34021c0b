import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsIP, IsNotEmpty, IsOptional, IsString, ValidateNested } from 'class-validator';
import { IsOptionalNotNull, NestedObject } from '../../common/validation.js';
import { IpsecOptionsDto } from './security/ipsec-options.dto.js';
import { MAX_SVM_PEERS, SVM_PEER_APPLICATIONS, type SvmPeerApplication } from './svm-peers/svm-peer-model.js';

/* The ONTAP blocks of the API's bodies (`ontap` on a cluster, a create and an update), contributed by the plugin (ontap.plugin.ts). */

/** ONTAP writes `tls-psk` in prose and `tls_psk` in the API; both are accepted, `tls_psk` is kept. */
const normaliseEncryption = ({ value }: { value: unknown }) => (value === 'tls-psk' ? 'tls_psk' : value);

export class SvmPeerDto {
  @ApiProperty({ example: 'svm_src', description: 'The data SVM on the local cluster' })
  @IsString()
  @IsNotEmpty()
  local: string;

  @ApiProperty({ example: 'svm_dst', description: 'The data SVM on the remote cluster' })
  @IsString()
  @IsNotEmpty()
  remote: string;

  @ApiPropertyOptional({ enum: SVM_PEER_APPLICATIONS, isArray: true, default: ['snapmirror'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(SVM_PEER_APPLICATIONS, { each: true, message: `each application must be one of: ${SVM_PEER_APPLICATIONS.join(', ')}` })
  applications?: SvmPeerApplication[];
}

const SVM_PEERS_DOC: ApiPropertyOptions = {
  type: SvmPeerDto,
  isArray: true,
  maxItems: MAX_SVM_PEERS,
  description: `SVM peers made on top of the cluster peer (at most ${MAX_SVM_PEERS}): proposed on the local cluster, accepted on the remote one; the peering is ACTIVE once every pair is peered`,
};

function SvmPeers(): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional(SVM_PEERS_DOC)(target, key);
    IsOptionalNotNull()(target, key);
    IsArray()(target, key);
    ArrayMaxSize(MAX_SVM_PEERS, { message: `svmPeers must list at most ${MAX_SVM_PEERS} pairs` })(target, key);
    ValidateNested({ each: true })(target, key);
    Type(() => SvmPeerDto)(target, key);
  };
}

export class OntapFactsDto {
  @ApiProperty({ type: [String], description: 'Intercluster LIF addresses of this cluster', example: ['10.1.0.11', '10.1.0.12'] })
  @IsArray()
  @ArrayMinSize(1, { message: 'must list at least one intercluster address' })
  @IsIP(undefined, { each: true, message: 'each address must be an IPv4 or IPv6 address' })
  interclusterAddresses: string[];

  @ApiPropertyOptional({ default: 'Default' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  ipspace?: string;
}

export class LocalNetworkInterfaceDto {
  @ApiProperty()
  @IsIP(undefined, { message: 'must be an IPv4 or IPv6 address' })
  ipAddress: string;
}

export class LocalNetworkDto {
  @ApiProperty({ type: [LocalNetworkInterfaceDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LocalNetworkInterfaceDto)
  interfaces: LocalNetworkInterfaceDto[];

  @ApiPropertyOptional({ example: '255.255.255.0' })
  @IsOptional()
  @IsString()
  netmask?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  broadcastDomain?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsIP(undefined, { message: 'must be an IPv4 or IPv6 address' })
  gateway?: string;
}

export class OntapOptionsDto {
  @ApiPropertyOptional({ enum: ['none', 'tls_psk'], default: 'tls_psk', description: '`tls-psk` is accepted too' })
  @IsOptional()
  @Transform(normaliseEncryption)
  @IsIn(['none', 'tls_psk'], { message: 'encryption must be none or tls_psk' })
  encryption?: 'none' | 'tls_psk';

  @ApiPropertyOptional({ example: 'P1D', description: 'ISO 8601 duration, at most 7 days (ONTAP 4655058)' })
  @IsOptional()
  @IsString()
  passphraseExpiry?: string;

  @ApiPropertyOptional({ example: 'Default' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  ipspace?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  initialAllowedSvms?: string[];

  @ApiPropertyOptional({ type: LocalNetworkDto, description: 'Intercluster LIFs to create on the local cluster first' })
  @IsOptionalNotNull()
  @NestedObject(() => LocalNetworkDto)
  localNetwork?: LocalNetworkDto;

  @ApiPropertyOptional({
    default: false,
    description: 'Both clusters must have a working key manager at cluster scope (data at rest): checked before anything is created, 422 otherwise',
  })
  @IsOptional()
  @IsBoolean()
  requireKeyManager?: boolean;

  @ApiPropertyOptional({
    type: IpsecOptionsDto,
    description: "An IPsec policy on each cluster's data SVM protecting traffic to the other site, with a pre-shared key the gateway generates and never keeps",
  })
  @IsOptionalNotNull()
  @NestedObject(() => IpsecOptionsDto)
  ipsec?: IpsecOptionsDto;

  @SvmPeers()
  svmPeers?: SvmPeerDto[];
}

export class OntapUpdateDto {
  @ApiPropertyOptional({ description: 'Generate a new passphrase on the local side and set it on the remote side' })
  @IsOptional()
  @IsBoolean()
  rotatePassphrase?: boolean;

  @ApiPropertyOptional({ enum: ['none', 'tls_psk'], description: 'Changing it also rotates the passphrase (ONTAP allows it only with a refresh: 4656073)' })
  @IsOptional()
  @Transform(normaliseEncryption)
  @IsIn(['none', 'tls_psk'], { message: 'encryption must be none or tls_psk' })
  encryption?: 'none' | 'tls_psk';

  @ApiPropertyOptional({ example: 'P1D', description: 'Expiry of the next generated passphrase, ISO 8601, at most 7 days' })
  @IsOptional()
  @IsString()
  passphraseExpiry?: string;

  @ApiPropertyOptional({ type: [String], description: "External peers only: the far cluster's new intercluster addresses" })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIP(undefined, { each: true, message: 'each address must be an IPv4 or IPv6 address' })
  remoteAddresses?: string[];

  @SvmPeers()
  svmPeers?: SvmPeerDto[];
}
