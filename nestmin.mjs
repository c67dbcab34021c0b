import 'reflect-metadata';
import { Controller, Get, Param, Module, Injectable } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { BearerTokens } from './dist/src/auth/bearer-token.js';
const redis = new Redis(process.env.REDIS_URL, { enableAutoPipelining: true });
const prefix = process.env.PREFIX;
class C { async get(id) { const raw = await redis.hget(`${prefix}:peering:${id}`, 'json'); return JSON.parse(raw); } }
Param('id')(C.prototype, 'get', 0);
Reflect.defineMetadata('design:paramtypes', [String], C.prototype, 'get');
Get(':id')(C.prototype, 'get', Object.getOwnPropertyDescriptor(C.prototype, 'get'));
Controller('v1/peerings')(C);
class M {}
Module({ controllers: [C] })(M);
const app = await NestFactory.create(M, new FastifyAdapter(), { logger: false });
const tokens = new BearerTokens('bench-token');
app.getHttpAdapter().getInstance().addHook('onRequest', async (request, reply) => {
  if (!tokens.accepts(request.headers.authorization)) await reply.code(401).send({ status: 401 });
});
await app.listen(0, '127.0.0.1');
process.stdout.write(`URL ${await app.getUrl()}\n`.replace('[::1]', '127.0.0.1'));
