import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What `GET /metrics` answers with (Prometheus text exposition format). */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** Seconds; from a fast Redis-backed read to a cluster job that takes a while. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds a job waits or runs: operations follow clusters for up to minutes. */
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];

/** The label a request that matched no route gets, so unknown paths never add series. */
export const UNMATCHED_ROUTE = '(unmatched)';

/** Reads state only when scraped (queue depth, breakers, peerings by state). */
export type ScrapeCollector = () => Promise<void> | void;

/**
 * Every metric of one gateway process, in a registry of its own (the names are the contract of
 * deploy/grafana/peering-gateway.json and the README's "Operating" section). Counters and
 * histograms are updated where things happen; gauges of state held elsewhere are filled by the
 * collectors registered with `onScrape`, right before each scrape.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly collectors: ScrapeCollector[] = [];

  readonly httpRequests = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly queueJobs = new Gauge({
    name: 'gateway_queue_jobs',
    help: 'Jobs in each queue by state (waiting, active, delayed, failed), read from BullMQ at scrape',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly queueWait = new Histogram({
    name: 'gateway_queue_job_wait_seconds',
    help: 'Time a job waited between becoming due and a worker taking it, by queue',
    labelNames: ['queue'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });

  readonly queueProcessing = new Histogram({
    name: 'gateway_queue_job_processing_seconds',
    help: 'Time a worker spent on a job, by queue and outcome (completed, failed)',
    labelNames: ['queue', 'outcome'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });

  readonly clusterCalls = new Histogram({
    name: 'gateway_cluster_call_duration_seconds',
    help: 'HTTP calls to clusters, by cluster, product and outcome (ok, client_error, server_error, network_error, timeout, circuit_open, refused)',
    labelNames: ['cluster', 'product', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly breakerState = new Gauge({
    name: 'gateway_cluster_breaker_state',
    help: "State of each cluster's circuit breaker in this process: 0 closed, 1 open, 2 half-open, 3 isolated",
    labelNames: ['cluster', 'product'] as const,
    registers: [this.registry],
  });

  readonly peerings = new Gauge({
    name: 'gateway_peerings',
    help: 'Peerings by state, across the deployment (DELETED counts every peering that reached it)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'gateway_webhook_delivery_attempts_total',
    help: 'Webhook delivery attempts by outcome (delivered, retry, failed, gone, refused)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  onScrape(collector: ScrapeCollector): void {
    this.collectors.push(collector);
  }

  /** Runs the collectors (one that fails leaves its gauge as last read), then renders every metric. */
  async scrape(): Promise<string> {
    await Promise.all(
      this.collectors.map(async (collect) => {
        try {
          await collect();
        } catch {
          // The store or a queue briefly away: the gauge keeps its last reading.
        }
      }),
    );
    return this.registry.metrics();
  }
}
