import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** `ontap.ipsec` of a peering request: the rules that need no cluster are in security-options.ts. */
export class IpsecOptionsDto {
  @ApiProperty({
    example: 'svm1',
    description:
      'The data SVM whose traffic is protected: on both clusters, or on the local one when remoteSvm is given (IPsec is for data SVMs only: ONTAP 66257117)',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  svm: string;

  @ApiPropertyOptional({ example: 'svm-dr', description: "The remote cluster's data SVM, where its name differs" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  remoteSvm?: string;

  @ApiProperty({ example: '10.1.10.0/24', description: "The local site's data subnet, CIDR (ONTAP needs the netmask: 66257125)" })
  @IsString()
  @IsNotEmpty()
  localSubnet: string;

  @ApiProperty({ example: '10.2.10.0/24', description: "The remote site's data subnet, CIDR (ONTAP 66257126)" })
  @IsString()
  @IsNotEmpty()
  remoteSubnet: string;

  @ApiPropertyOptional({ example: 'tcp', default: 'any', description: 'tcp, udp, any or an IP protocol number 0-255: one only (ONTAP 66257099)' })
  @IsOptional()
  @IsString()
  @Matches(/^(tcp|udp|any|\d{1,3})$/i, { message: 'protocol must be tcp, udp, any or one IP protocol number (ONTAP 66257099)' })
  protocol?: string;

  @ApiPropertyOptional({ example: 11104, description: 'One port on the local side (ONTAP 66257100, 66257115); default any' })
  @IsOptional()
  @IsInt({ message: 'localPort must be one port number (ONTAP 66257100: one port, no ranges)' })
  @Min(1)
  @Max(65535, { message: 'localPort must be at most 65535 (ONTAP 66257132)' })
  localPort?: number;

  @ApiPropertyOptional({ example: 11105, description: 'One port on the remote side (ONTAP 66257101, 66257115); default any' })
  @IsOptional()
  @IsInt({ message: 'remotePort must be one port number (ONTAP 66257101: one port, no ranges)' })
  @Min(1)
  @Max(65535, { message: 'remotePort must be at most 65535 (ONTAP 66257132)' })
  remotePort?: number;
}
