import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { request } from 'undici';
import { startTopology, type SimTopology, type TopologyOptions } from '../../sim/topology.js';
import { createLogger } from '../../src/common/logger.js';
import { validateClusterInputs } from '../../src/clusters/clusters-file.js';
import { type GatewayConfig, loadConfig } from '../../src/config/gateway-config.js';
import { type RunningGateway, startGateway } from '../../src/gateway.js';

export interface ApiAnswer<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

/** Every log line the gateway wrote during a test, for assertions (e.g. no secret ever logged). */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(chunk.toString());
    if (process.env.TEST_LOGS) process.stderr.write(chunk);
    done();
  }
  text(): string {
    return this.lines.join('');
  }
}

export interface Harness {
  url: string;
  token: string;
  config: GatewayConfig;
  topology: SimTopology;
  gateway: RunningGateway;
  logs: LogCapture;
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer<T>>;
  /** Polls a peering until `predicate` holds; fails with the last reading after `timeoutMs`. */
  waitForPeering(id: string, predicate: (p: any) => boolean, timeoutMs?: number): Promise<any>;
  waitForState(id: string, state: string, timeoutMs?: number): Promise<any>;
  /** Polls an operation until it has finished (succeeded or failed). */
  waitForOperation(id: string, timeoutMs?: number): Promise<any>;
  /** Deletes every peering still standing (of one product, if given) and waits until all read DELETED. */
  deleteAllPeerings(product?: 'ontap' | 'consul'): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** A Redis of the test's own (e.g. one it stops and restarts); default: the run's shared one. */
  redisUrl?: string;
  topology?: TopologyOptions;
}

/**
 * A real gateway in this process (API and workers), on the run's real Redis under a key prefix
 * of its own, with simulated clusters over real HTTP.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const redisUrl = options.redisUrl ?? process.env.TEST_REDIS_URL;
  if (!redisUrl) throw new Error('TEST_REDIS_URL is not set: run through jest (globalSetup starts Redis)');
  const topology = await startTopology({ consulDeleteDurationMs: 300, consulActivateAfterMs: 30, ...options.topology });
  const token = `test-${randomBytes(8).toString('hex')}`;
  const config = loadConfig({
    REDIS_URL: redisUrl,
    GATEWAY_REDIS_PREFIX: `t${randomBytes(6).toString('hex')}`,
    GATEWAY_ADMIN_TOKEN: token,
    GATEWAY_SANDBOX: 'false',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    GATEWAY_ESTABLISH_TIMEOUT_MS: '10000',
    GATEWAY_REMOVAL_TIMEOUT_MS: '10000',
    GATEWAY_RETRY_BASE_MS: '100',
    // Outside the sandbox a key is required: each harness seals its secrets with a key of its own.
    GATEWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...options.env,
  });
  const logs = new LogCapture();
  const clusters = (await validateClusterInputs(topology.clusters, 'test')).map((input) => ({ input, source: 'sandbox' as const }));
  const gateway = await startGateway(config, { logger: createLogger('debug', logs), clusters });
  const url = gateway.url!;

  const api = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> => {
    const response = await request(`${url}${path}`, {
      method: method as 'GET',
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.body.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.statusCode, headers: response.headers, body: parsed as T };
  };

  const waitForPeering = async (id: string, predicate: (p: any) => boolean, timeoutMs = 15_000): Promise<any> => {
    const deadline = Date.now() + timeoutMs;
    let last: ApiAnswer | undefined;
    while (Date.now() < deadline) {
      last = await api('GET', `/v1/peerings/${id}`);
      if (last.status === 200 && predicate(last.body)) return last.body;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`peering ${id} did not reach the expected condition; last: ${JSON.stringify(last?.body)}`);
  };

  return {
    url,
    token,
    config,
    topology,
    gateway,
    logs,
    api,
    waitForPeering,
    waitForState: (id, state, timeoutMs) => waitForPeering(id, (p) => p.state === state, timeoutMs),
    deleteAllPeerings: async (product) => {
      const { body } = await api<{ items: { id: string; state: string }[] }>('GET', `/v1/peerings?limit=500${product ? `&product=${product}` : ''}`);
      const standing = body.items.filter((p) => p.state !== 'DELETED');
      for (const p of standing) if (p.state !== 'DELETING') await api('DELETE', `/v1/peerings/${p.id}`);
      for (const p of standing) await waitForPeering(p.id, (x) => x.state === 'DELETED');
    },
    waitForOperation: async (id, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      let last: ApiAnswer | undefined;
      while (Date.now() < deadline) {
        last = await api('GET', `/v1/operations/${id}`);
        if (last.status === 200 && ['succeeded', 'failed'].includes(last.body.status)) return last.body;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`operation ${id} did not finish; last: ${JSON.stringify(last?.body)}`);
    },
    close: async () => {
      await gateway.close();
      await topology.close();
    },
  };
}
