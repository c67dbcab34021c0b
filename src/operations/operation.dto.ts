import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { PageQuery } from '../common/page-query.js';
import { OPERATION_STATUSES, type OperationStatus } from '../domain/operation.js';

/** `GET /v1/operations?peering=&status=&limit=&cursor=` */
export class ListOperationsQuery extends PageQuery {
  @ApiPropertyOptional({ description: "Only this peering's operations", example: 'pr_01jd0c7v9q4m2x8r6t5y3w1zab' })
  @IsOptional()
  @IsString()
  peering?: string;

  @ApiPropertyOptional({ enum: OPERATION_STATUSES })
  @IsOptional()
  @IsIn(OPERATION_STATUSES, { message: `status must be one of: ${OPERATION_STATUSES.join(', ')}` })
  status?: OperationStatus;
}
