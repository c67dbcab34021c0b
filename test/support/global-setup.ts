import { startTestRedis } from './redis-server';

/** One real Redis for the whole run; suites keep apart by key prefix (see harness). */
export default async function globalSetup(): Promise<void> {
  const redis = await startTestRedis();
  process.env.TEST_REDIS_URL = redis.url;
  (globalThis as { __testRedis?: unknown }).__testRedis = redis;
}
