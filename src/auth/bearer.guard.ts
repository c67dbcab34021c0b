import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../common/problem.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { RedisService } from '../redis/redis.service.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Guards every /v1 route: a bearer token is required (compared in constant time), and while the
 * store is unreachable the route answers 503 at once instead of hanging.
 */
@Injectable()
export class BearerGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly redis: RedisService,
  ) {
    this.expected = digest(config.adminToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!request.url.startsWith('/v1/') && request.url !== '/v1') return true;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !timingSafeEqual(digest(match[1].trim()), this.expected)) {
      throw new GatewayError('unauthorized', 'send Authorization: Bearer <token> with a valid token');
    }
    if (!this.redis.isReady()) {
      throw new GatewayError('service_unavailable', 'the gateway store (Redis) is unreachable; try again shortly', { retryAfter: 1 });
    }
    return true;
  }
}
