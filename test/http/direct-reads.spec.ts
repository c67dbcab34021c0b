import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Controller, Get, Param, ParseIntPipe, Query, UseInterceptors, type CallHandler, type NestInterceptor } from '@nestjs/common';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import type { FastifyRequest } from 'fastify';
import { CurrentCaller, Scopes } from '../../src/access/route-access.js';
import { DirectRead } from '../../src/common/route-config.js';
import { Caller, setCaller } from '../../src/domain/access.js';
import { GatewayError } from '../../src/common/problem.js';
import { directReadArguments } from '../../src/http/direct-reads.js';
import { appRoutes } from '../support/app-routes.js';

class Passing implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler) {
    return next.handle();
  }
}

@Controller('things')
class Things {
  @Get(':id')
  @Scopes('peerings:read')
  @DirectRead()
  get(@Param('id') id: string, @CurrentCaller() caller: Caller): string {
    return `${id}:${caller.actor.id}`;
  }

  @Get('by-query')
  query(@Query('q') q: string): string {
    return q;
  }

  @Get('piped/:n')
  piped(@Param('n', ParseIntPipe) n: number): number {
    return n;
  }

  @Get('intercepted/:id')
  @UseInterceptors(Passing)
  intercepted(@Param('id') id: string): string {
    return id;
  }

  @Get('undecorated')
  undecorated(value: string): string {
    return value;
  }
}

const caller = new Caller({ type: 'admin', id: 'admin', team: null, scopes: ['admin'] }, 'req-1');
describe('direct reads', () => {
  it('keeps every part of the route config: the scope and the direct read alike', () => {
    const config = Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, Things.prototype.get) as Record<string, unknown>;
    expect(config.scopes).toEqual(['peerings:read']);
    expect(config.directRead).toEqual({ controller: Things, method: 'get' });
  });

  it('hands the handler its path parameter and its caller, as Nest would', () => {
    const request = { params: { id: 'p1' } } as unknown as FastifyRequest;
    setCaller(request, caller);
    const args = directReadArguments(Things, 'get');
    expect(args.map((argument) => argument(request))).toEqual(['p1', caller]);
  });

  it('answers 401 when the access check has not set a caller', () => {
    const [, callerArgument] = directReadArguments(Things, 'get');
    expect(() => callerArgument({ params: {} } as unknown as FastifyRequest)).toThrow(GatewayError);
  });

  it('refuses a handler it cannot call faithfully: a query, a pipe, an interceptor, an undecorated parameter', () => {
    expect(() => directReadArguments(Things, 'query')).toThrow(/only @Param\(name\) and @CurrentCaller\(\)/);
    expect(() => directReadArguments(Things, 'piped')).toThrow(/runs no pipes/);
    expect(() => directReadArguments(Things, 'intercepted')).toThrow(/runs no interceptors/);
    expect(() => directReadArguments(Things, 'undecorated')).toThrow(/parameter 0 has no decorator/);
  });

  it('is declared on the reads clients poll, and each of them can be called directly', () => {
    const direct = appRoutes().filter(
      ({ handler }) => (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as { directRead?: unknown } | undefined)?.directRead,
    );
    expect(direct.map((r) => r.name).sort()).toEqual(['OperationsController.get', 'PeeringsController.get']);
    for (const { handler } of direct) {
      const { controller, method } = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as { directRead: { controller: never; method: string } })
        .directRead;
      expect(directReadArguments(controller, method).length).toBeGreaterThan(0);
    }
  });
});
