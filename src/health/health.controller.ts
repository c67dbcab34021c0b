import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import type { FastifyReply } from 'fastify';
import { problem, PROBLEM_CONTENT_TYPE } from '../common/problem.js';
import { RedisService } from '../redis/redis.service.js';
import { JobRunner } from '../jobs/job-runner.js';

@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly redis: RedisService,
    private readonly jobs: JobRunner,
  ) {}

  @Public()
  @Get('healthz')
  alive(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('readyz')
  async ready(@Res() reply: FastifyReply): Promise<unknown> {
    const checks = { redis: this.redis.isReady() && (await this.ping()), workers: this.jobs.isReady() };
    if (checks.redis && checks.workers) return reply.send({ status: 'ready', checks });
    const body = {
      ...problem(
        'service_unavailable',
        `not ready: ${Object.entries(checks)
          .filter(([, ok]) => !ok)
          .map(([k]) => k)
          .join(', ')}`,
      ),
      checks,
    };
    return reply.status(503).header('content-type', PROBLEM_CONTENT_TYPE).header('retry-after', '1').send(body);
  }

  private async ping(): Promise<boolean> {
    try {
      return (await this.redis.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }
}
