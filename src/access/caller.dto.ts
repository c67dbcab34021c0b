import { ApiProperty } from '@nestjs/swagger';
import { SCOPES } from '../domain/access.js';

/** Who the credential of the request is, and what it may do (never the credential). */
export class CallerDoc {
  @ApiProperty({ enum: ['admin', 'api-key', 'oidc'] }) type: string;
  @ApiProperty({ example: 'key_01jd0c7v9q4m2x8r6t5y3w1zab', description: "An API key's id, a token's subject, or `admin`" }) id: string;
  @ApiProperty({ type: String, nullable: true, example: 'storage', description: 'Null only for an admin credential without a team' }) team: string | null;
  @ApiProperty({ enum: SCOPES, isArray: true, example: ['peerings:read', 'peerings:write'] }) scopes: string[];
}
