import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ValidBody, ValidQuery } from '../common/validation.js';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { type Caller } from '../domain/access.js';
import { CurrentCaller, Scopes } from '../access/route-access.js';
import { ApiProblems, HEADERS, WRITE_LIMIT_PROBLEMS } from '../common/api-docs.js';
import { HttpAnswer, RendersHttpAnswer } from '../common/http-answer.js';
import { type Peering } from '../domain/peering.js';
import { PeeringDoc } from '../peerings/peering-response.dto.js';
import { ApprovalListDoc, ApproveDto, ListApprovalsQuery, RejectDto } from './approval.dto.js';
import { ApprovalsService, type ApprovalView } from './approvals.service.js';

const PEERING_ID = ApiParam({ name: 'id', description: 'The peering id', example: 'pr_01jd0c7v9q4m2x8r6t5y3w1zab' });

@ApiTags('approvals')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'forbidden', 'service_unavailable')
@Controller('v1')
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Get('approvals')
  @Scopes('peerings:read')
  @ApiOperation({
    operationId: 'listApprovals',
    summary: "The peerings awaiting an approval that the caller's team may give, whatever their team, with who asked and when",
  })
  @ApiOkResponse({ type: ApprovalListDoc })
  @ApiProblems('validation_failed')
  list(@ValidQuery() query: ListApprovalsQuery, @CurrentCaller() caller: Caller): Promise<{ items: ApprovalView[]; nextCursor: string | null }> {
    return this.approvals.list(query, caller);
  }

  @Post('peerings/:id/approve')
  @Scopes('approvals:write')
  @ApiOperation({
    operationId: 'approvePeering',
    summary: "Approve a peering on the clusters whose approverTeams include the caller's team: 202; the work starts once every cluster approved",
  })
  @PEERING_ID
  @ApiAcceptedResponse({ type: PeeringDoc, headers: { Location: HEADERS.location } })
  @ApiProblems('validation_failed', 'not_found', 'conflict', ...WRITE_LIMIT_PROBLEMS)
  @RendersHttpAnswer()
  async approve(@Param('id') id: string, @ValidBody() body: ApproveDto, @CurrentCaller() caller: Caller): Promise<HttpAnswer> {
    return HttpAnswer.accepted(await this.approvals.approve(id, body ?? {}, caller), `/v1/peerings/${id}`);
  }

  @Post('peerings/:id/reject')
  @HttpCode(200)
  @Scopes('approvals:write')
  @ApiOperation({ operationId: 'rejectPeering', summary: 'Reject a peering awaiting approval: it is FAILED with lastError.code approval_rejected' })
  @PEERING_ID
  @ApiOkResponse({ type: PeeringDoc })
  @ApiProblems('validation_failed', 'not_found', 'conflict', ...WRITE_LIMIT_PROBLEMS)
  reject(@Param('id') id: string, @ValidBody() body: RejectDto, @CurrentCaller() caller: Caller): Promise<Peering> {
    return this.approvals.reject(id, body, caller);
  }
}
