import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ProblemDoc } from '../common/api-docs.js';

/* Response documents (OpenAPI): an operation as GET /v1/operations/{id} shows it (src/domain/operation.ts). */

@ApiSchema({ name: 'OperationStep', description: 'One step of the handshake, as the worker records it' })
export class OperationStepDoc {
  @ApiProperty({ example: 'offer', description: 'What the step does (find, offer, accept, confirm, remove...)' }) name: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed', 'skipped'] }) status: string;
  @ApiPropertyOptional({ example: 'east generated a secret (expires in P1D)' }) detail?: string;
  @ApiProperty({ format: 'date-time', example: '2025-11-24T06:30:00.000Z' }) startedAt: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2025-11-24T06:30:01.000Z' }) finishedAt?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, example: 42, description: 'How long the step took, in milliseconds (set when it ends)' })
  durationMs?: number;
}

@ApiSchema({ name: 'OfferSecret', description: 'The secret of a one-sided offer: in the first read after the offer only' })
export class OfferSecretDoc {
  @ApiProperty({ description: "The product's passphrase or token: give it to the far side" }) secret: string;
  @ApiPropertyOptional({ format: 'date-time' }) expiresAt?: string;
}

@ApiSchema({ name: 'Operation', description: 'One asynchronous change of a peering (create, update, delete, sync)' })
export class OperationDoc {
  @ApiProperty({ example: 'op_01jd0c7v9q4m2x8r6t5y3w1zac' }) id: string;
  @ApiProperty({ enum: ['create', 'update', 'delete', 'sync'] }) type: string;
  @ApiProperty({ example: 'pr_01jd0c7v9q4m2x8r6t5y3w1zab' }) peeringId: string;
  @ApiProperty({ enum: ['queued', 'running', 'retrying', 'succeeded', 'failed'] }) status: string;
  @ApiProperty({ example: 1, description: 'Attempts made so far' }) attempts: number;
  @ApiProperty({ type: [OperationStepDoc], description: 'Steps in the order they ran, across attempts' }) steps: OperationStepDoc[];
  @ApiProperty({ type: ProblemDoc, nullable: true, description: 'Why the latest attempt failed, or null' }) lastError: ProblemDoc | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When the next attempt runs (retrying)', example: null }) nextAttemptAt:
    string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'What an update changes (never secrets)' }) input?: Record<string, unknown>;
  @ApiPropertyOptional({ type: OfferSecretDoc }) offer?: OfferSecretDoc;
  @ApiProperty({ format: 'date-time', example: '2025-11-24T06:30:00.000Z' }) createdAt: string;
  @ApiProperty({ format: 'date-time', example: '2025-11-24T06:30:02.000Z' }) updatedAt: string;
}

@ApiSchema({ name: 'OperationPage', description: 'A page of operations, newest first' })
export class OperationPageDoc {
  @ApiProperty({ type: [OperationDoc] }) items: OperationDoc[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page', example: null }) nextCursor:
    string | null;
}
