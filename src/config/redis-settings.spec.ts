import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, redisMode } from './gateway-config.js';

const base = { GATEWAY_SANDBOX: 'true' };

describe('Redis settings', () => {
  it('reads a Sentinel set and a Cluster', () => {
    const sentinel = loadConfig({
      ...base,
      REDIS_SENTINELS: '10.0.0.1:26379, [::1]:26380',
      REDIS_SENTINEL_NAME: 'mymaster',
      REDIS_TLS: 'true',
      REDIS_PASSWORD: 'pw',
    });
    expect(sentinel.redisSentinels).toEqual([
      { host: '10.0.0.1', port: 26379 },
      { host: '::1', port: 26380 },
    ]);
    expect(redisMode(sentinel)).toBe('sentinel');
    expect(sentinel.redisTls).toBe(true);
    expect(sentinel.redisPassword).toBe('pw');
    const cluster = loadConfig({ ...base, REDIS_CLUSTER_NODES: 'redis-a:7000,redis-b:7001' });
    expect(redisMode(cluster)).toBe('cluster');
    expect(cluster.replicaWaitMs).toBe(500);
    expect(redisMode(loadConfig({ ...base, REDIS_URL: 'rediss://redis:6380' }))).toBe('standalone');
  });

  it.each([
    [{ REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'b:7000' }, 'REDIS_URL and REDIS_CLUSTER_NODES are both set'],
    [{ REDIS_SENTINELS: 'a:26379', REDIS_CLUSTER_NODES: 'b:7000' }, 'REDIS_SENTINELS and REDIS_CLUSTER_NODES are both set'],
    [{ REDIS_SENTINELS: 'a:26379' }, 'without REDIS_SENTINEL_NAME'],
    [{ REDIS_SENTINEL_NAME: 'mymaster' }, 'without REDIS_SENTINELS'],
    [{ REDIS_CLUSTER_NODES: 'a:7000,b' }, "host:port, got 'b'"],
    [{ REDIS_CLUSTER_NODES: 'a:70000' }, "host:port, got 'a:70000'"],
    [{ REDIS_URL: 'http://a:6379' }, 'redis:// or rediss://'],
    [{ REDIS_URL: 'redis://a:6379', REDIS_TLS: 'true' }, 'write rediss://'],
    [{ REDIS_CLUSTER_NODES: 'a:7000', REDIS_TLS: 'maybe' }, 'REDIS_TLS must be true or false'],
    [{ GATEWAY_REDIS_PREFIX: '{gw}' }, 'GATEWAY_REDIS_PREFIX'],
    [{ GATEWAY_REPLICA_WAIT_MS: '-1' }, 'GATEWAY_REPLICA_WAIT_MS'],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });
});
