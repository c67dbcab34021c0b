import type { TestRedis } from './redis-server';

export default async function globalTeardown(): Promise<void> {
  const redis = (globalThis as { __testRedis?: TestRedis }).__testRedis;
  await redis?.stop();
}
