import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { HttpAnswer, RendersHttpAnswer } from '../common/http-answer.js';
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
  @RendersHttpAnswer()
  async ready(): Promise<HttpAnswer> {
    const checks = { redis: this.redis.isReady() && (await this.ping()), workers: this.jobs.isReady() };
    if (checks.redis && checks.workers) return HttpAnswer.ok({ status: 'ready', checks });
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
    return new HttpAnswer(503, body, { 'content-type': PROBLEM_CONTENT_TYPE, 'retry-after': '1' });
  }

  private async ping(): Promise<boolean> {
    try {
      return (await this.redis.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }
}
