import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ERROR_CODES, type ErrorCode } from './problem.js';

export class FieldErrorDoc {
  @ApiProperty({ example: 'remote.cluster' }) field: string;
  @ApiProperty({ example: "cluster 'consul-dc9' is not registered" }) message: string;
}

export class UpstreamDoc {
  @ApiProperty({ example: 'ontap' }) product: string;
  @ApiProperty() cluster: string;
  @ApiProperty({ nullable: true, type: Number }) status: number | null;
  @ApiProperty({ nullable: true, type: String, description: "ONTAP's error code; null for Consul (plain-text errors)" }) code: string | null;
  @ApiProperty() message: string;
}

/** RFC 9457 problem details, as every 4xx and 5xx answer carries them. */
export class ProblemDoc {
  @ApiProperty({ example: 'https://peering-gateway.dev/problems/validation-failed' }) type: string;
  @ApiProperty() title: string;
  @ApiProperty() status: number;
  @ApiProperty() detail: string;
  @ApiProperty({ enum: Object.keys(ERROR_CODES) }) code: string;
  @ApiPropertyOptional({ type: [FieldErrorDoc] }) errors?: FieldErrorDoc[];
  @ApiPropertyOptional({ type: UpstreamDoc }) upstream?: UpstreamDoc;
}

/** Documents the problem answers a route can give. */
export function ApiProblems(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_CODES[code].status, [...(byStatus.get(ERROR_CODES[code].status) ?? []), code]);
  return applyDecorators(
    ...[...byStatus].map(([status, list]) => ApiResponse({ status, description: `application/problem+json; code: ${list.join(' | ')}`, type: ProblemDoc })),
  );
}
