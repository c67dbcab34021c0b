import { performance } from 'node:perf_hooks';
import { types } from 'node:util';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { BrokenCircuitError, bulkhead, BulkheadPolicy, CircuitBreakerPolicy, circuitBreaker, ConsecutiveBreaker, handleWhen } from 'cockatiel';
import type { Logger } from 'pino';
import { Pool } from 'undici';
import type { Cluster } from '../domain/cluster.js';
import { ClusterEndpointPolicy } from './endpoint-policy.js';
import { RefusedUrlError } from '../common/address-policy.js';
import { LOGGER } from '../common/logger.js';
import { GatewayMetrics } from '../common/metrics.js';
import { contextOf } from '../common/request-context.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { CallDeadline } from './call-deadline.js';
import { ClusterSlots } from './cluster-slots.js';
import { UpstreamError } from './upstream-error.js';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface HttpCall {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  json?: unknown;
  timeoutMs?: number;
  /** Long-poll calls (blocking queries) skip the per-cluster bound: they wait, they do not load the cluster. */
  longPoll?: boolean;
  signal?: AbortSignal;
  /** A 2xx answer's body goes here chunk by chunk instead of into `text` (a bulk read parsed as it arrives). */
  onBody?: (chunk: Buffer) => void;
}

interface ClusterChannel {
  stamp: string;
  product: string;
  pool: Pool;
  longPollPool: Pool;
  bulkhead: BulkheadPolicy;
  breaker: CircuitBreakerPolicy;
}

/**
 * HTTP to the clusters: an undici pool per cluster with its CA bundle, a bound on calls in flight
 * per cluster (in this process, and across the deployment through ClusterSlots), and a circuit breaker per cluster that opens after consecutive transient failures
 * (network errors, 5xx, 429). Answers are returned whatever their status; adapters classify them.
 */
@Injectable()
export class ClusterHttp implements OnApplicationShutdown {
  private readonly channels = new Map<string, ClusterChannel>();

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly slots: ClusterSlots,
    private readonly policy: ClusterEndpointPolicy,
    private readonly metrics: GatewayMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // The breakers live in this process: each process reports its own (cockatiel's states 0-3).
    metrics.onScrape(() => {
      metrics.breakerState.reset();
      for (const [cluster, channel] of this.channels) metrics.breakerState.set({ cluster, product: channel.product }, channel.breaker.state);
    });
  }

  private channel(cluster: Cluster): ClusterChannel {
    const stamp = `${cluster.endpoint}|${cluster.updatedAt}`;
    const existing = this.channels.get(cluster.id);
    if (existing?.stamp === stamp) return existing;
    if (existing) void this.closeChannel(existing);
    const origin = this.policy.parse(cluster.endpoint).origin;
    // Every connection resolves through the endpoint policy: a name re-pointed at a metadata
    // address after registration gets no credentials either.
    const connect = { lookup: this.policy.lookup, ...(cluster.tls?.caPem ? { ca: cluster.tls.caPem } : {}) };
    const channel: ClusterChannel = {
      stamp,
      product: cluster.product,
      pool: new Pool(origin, { connections: this.config.clusterConcurrency, connect, headersTimeout: 30_000, bodyTimeout: 30_000 }),
      longPollPool: new Pool(origin, { connect, headersTimeout: 11 * 60_000, bodyTimeout: 11 * 60_000 }),
      bulkhead: bulkhead(this.config.clusterConcurrency, Number.MAX_SAFE_INTEGER),
      breaker: circuitBreaker(
        handleWhen((err) => err instanceof UpstreamError && err.kind === 'transient'),
        { halfOpenAfter: this.config.breakerHalfOpenMs, breaker: new ConsecutiveBreaker(this.config.breakerThreshold) },
      ),
    };
    this.channels.set(cluster.id, channel);
    return channel;
  }

  /**
   * One call. `toError` turns a non-2xx answer into an UpstreamError (or returns undefined to hand
   * the answer back, e.g. a 404 the caller expects); network failures become transient errors.
   */
  async call(cluster: Cluster, call: HttpCall, toError: (answer: HttpAnswer) => UpstreamError | undefined): Promise<HttpAnswer> {
    let channel: ClusterChannel;
    try {
      channel = this.channel(cluster);
    } catch (err) {
      if (err instanceof RefusedUrlError) throw endpointRefused(cluster, err);
      throw err;
    }
    const run = async (): Promise<HttpAnswer> => {
      const answer = await this.send(cluster, channel, call);
      if (answer.status >= 200 && answer.status < 300) return answer;
      const error = toError(answer);
      if (error) throw error;
      return answer;
    };
    try {
      if (call.longPoll) return await channel.breaker.execute(run);
      return await channel.bulkhead.execute(() => channel.breaker.execute(() => this.slots.run(cluster.id, run, call.signal)));
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        this.record(cluster, call, 'circuit_open', null, 0);
        throw new UpstreamError(
          'transient',
          { product: cluster.product, cluster: cluster.id, status: null, code: 'circuit_open', message: 'too many consecutive failures; calls paused' },
          'upstream_unavailable',
          `calls to cluster '${cluster.id}' are paused after repeated failures`,
          this.config.breakerHalfOpenMs,
        );
      }
      throw err;
    }
  }

  private async send(cluster: Cluster, channel: ClusterChannel, call: HttpCall): Promise<HttpAnswer> {
    const base = new URL(cluster.endpoint);
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) query.set(k, String(v));
    const path = `${base.pathname.replace(/\/$/, '')}${call.path}${query.size ? `?${query}` : ''}`;
    const pool = call.longPoll ? channel.longPollPool : channel.pool;
    const deadline = new CallDeadline(call.timeoutMs ?? 15_000, call.signal);
    const started = performance.now();
    try {
      const response = await pool.request({
        method: call.method,
        path,
        headers: { accept: 'application/json', ...(call.json !== undefined ? { 'content-type': 'application/json' } : {}), ...call.headers },
        body: call.json !== undefined ? JSON.stringify(call.json) : undefined,
        signal: deadline.signal,
      });
      let text = '';
      if (call.onBody && response.statusCode >= 200 && response.statusCode < 300) for await (const chunk of response.body) call.onBody(chunk as Buffer);
      else text = await response.body.text();
      const answer = { status: response.statusCode, headers: response.headers, text };
      this.record(
        cluster,
        call,
        answer.status >= 500 ? 'server_error' : answer.status >= 400 ? 'client_error' : 'ok',
        answer.status,
        performance.now() - started,
      );
      return answer;
    } catch (err) {
      const refused = refusal(err);
      this.record(cluster, call, refused ? 'refused' : deadline.expired ? 'timeout' : 'network_error', null, performance.now() - started);
      if (refused) throw endpointRefused(cluster, refused);
      const code = errorCode(err);
      const upstream = {
        product: cluster.product,
        cluster: cluster.id,
        status: null,
        message: deadline.expired ? (deadline.signal.reason as DOMException).message : describeNetworkError(err),
      };
      // An untrusted certificate does not fix itself: no retry, and say what to do.
      if (code && TLS_TRUST_ERRORS.has(code)) {
        throw new UpstreamError(
          'final',
          { ...upstream, code: 'tls_untrusted' },
          'upstream_rejected',
          `the cluster's TLS certificate is not trusted (${code}): register the CA bundle that signs it as tls.caPem`,
        );
      }
      throw new UpstreamError('transient', { ...upstream, code: 'network_error' });
    } finally {
      deadline.clear();
    }
  }

  /**
   * One call's metric and debug line, naming the work whose cluster record it was made with
   * (src/common/request-context.ts, bindContext). Long polls
   * are logged but not timed: their duration is the wait they asked for, not the cluster's speed.
   */
  private record(cluster: Cluster, call: HttpCall, outcome: string, status: number | null, ms: number): void {
    if (!call.longPoll) this.metrics.clusterCalls.observe({ cluster: cluster.id, product: cluster.product, outcome }, ms / 1000);
    // The line's object is built only when it is written: a create makes about ten calls.
    if (!this.logger.isLevelEnabled('debug')) return;
    this.logger.debug(
      {
        ...contextOf(cluster),
        cluster: cluster.id,
        product: cluster.product,
        method: call.method,
        path: call.path,
        status,
        outcome,
        durationMs: Math.round(ms),
      },
      'cluster call',
    );
  }

  /** After the workers stopped (they close in onModuleDestroy), so no call is cut short. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.channels.values()].map((c) => this.closeChannel(c)));
    this.channels.clear();
  }

  private async closeChannel(channel: ClusterChannel): Promise<void> {
    await Promise.all([channel.pool.destroy(), channel.longPollPool.destroy()]).catch(() => undefined);
  }
}

const TLS_TRUST_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The endpoint policy refused the cluster's address (see src/transport/endpoint-policy.ts): final, nothing was sent. */
function endpointRefused(cluster: Cluster, err: Error): UpstreamError {
  return new UpstreamError(
    'final',
    { product: cluster.product, cluster: cluster.id, status: null, code: 'endpoint_refused', message: err.message },
    'upstream_rejected',
    `the gateway does not call cluster '${cluster.id}' at this address; register it with an allowed endpoint or allow it with GATEWAY_CLUSTER_ALLOW`,
  );
}

function refusal(err: unknown): Error | null {
  for (let e = err; isError(e); e = (e as Error).cause) if (e instanceof RefusedUrlError || e.name === 'RefusedUrlError') return e;
  return null;
}

/** Errors from Node's own modules may come from another realm (a test runner's VM context): no instanceof. */
function isError(err: unknown): err is Error {
  return err instanceof Error || types.isNativeError(err);
}

function errorCode(err: unknown): string | undefined {
  if (!isError(err)) return undefined;
  return (err as { code?: string }).code ?? (err.cause as { code?: string } | undefined)?.code;
}

function describeNetworkError(err: unknown): string {
  if (!isError(err)) return String(err);
  const code = errorCode(err);
  return code ? `${code}: ${err.message}` : err.message;
}
