import { type SimResponse, type SimRouter } from './http-server.js';

/** Fault settings a test or an operator can change at run time through the control surface. */
export interface FaultSettings {
  /** Added to every product call, in milliseconds. */
  latencyMs: number;
  /** Share of product calls (0..1) that fail with `failureStatus`. */
  failureRate: number;
  failureStatus: number;
  /** Until this time (epoch ms) new connections are dropped as soon as they open. */
  refuseConnectionsUntil: number;
}

/** Which product calls a queued failure applies to; unset fields match any call. */
export interface CallMatch {
  method?: string;
  pathPrefix?: string;
}

/** A named failure: what the product answers in a situation tests want to provoke on demand. */
export interface FailurePreset {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface QueuedFailure {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  match?: CallMatch;
}

const defaults: FaultSettings = { latencyMs: 0, failureRate: 0, failureStatus: 503, refuseConnectionsUntil: 0 };

/**
 * Fault injection shared by the simulators. `failureBody` renders an injected failure in the
 * product's own error format (plain text for Consul, the error envelope for ONTAP).
 */
export class Faults {
  settings: FaultSettings = { ...defaults };
  private queued: QueuedFailure[] = [];
  /** Product calls seen, for tests that assert how many calls a cluster received. */
  calls = 0;
  /** Product calls being answered now, and the most seen at once (to check a client's bound). */
  inFlight = 0;
  maxInFlight = 0;
  /** Connections dropped while refusing connections (each is a call the client tried). */
  refusedConnections = 0;
  /** The latest product calls (method, path, parsed JSON body), newest last, for tests that check request shapes. */
  readonly journal: { method: string; path: string; body: unknown; at: number }[] = [];

  /**
   * @param failureBody renders an injected failure of a given status in the product's format
   * @param presets named failures (status, body, headers) a test can queue by name
   */
  constructor(
    private readonly failureBody: (status: number) => unknown,
    readonly presets: Readonly<Record<string, FailurePreset>> = {},
  ) {}

  refusingConnections(): boolean {
    return Date.now() < this.settings.refuseConnectionsUntil;
  }

  /** Applies latency and failures; returns an answer to send instead of the real one, 'drop', or undefined. */
  async beforeRequest(method: string, path: string, body = ''): Promise<SimResponse | 'drop' | undefined> {
    this.calls++;
    this.journal.push({ method, path, body: parseJson(body), at: Date.now() });
    if (this.journal.length > 1000) this.journal.shift();
    if (this.refusingConnections()) return 'drop';
    if (this.settings.latencyMs > 0) await new Promise((r) => setTimeout(r, this.settings.latencyMs));
    const index = this.queued.findIndex(
      (f) => (!f.match?.method || f.match.method === method) && (!f.match?.pathPrefix || path.startsWith(f.match.pathPrefix)),
    );
    const next = index >= 0 ? this.queued.splice(index, 1)[0] : undefined;
    if (next) return { status: next.status, body: next.body ?? this.failureBody(next.status), headers: next.headers };
    if (this.settings.failureRate > 0 && Math.random() < this.settings.failureRate) {
      return { status: this.settings.failureStatus, body: this.failureBody(this.settings.failureStatus) };
    }
    return undefined;
  }

  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>, match?: CallMatch): void {
    for (let i = 0; i < count; i++) this.queued.push({ status, body, headers, match });
  }

  /** Queues the named preset failure for the next `count` matching calls; throws for an unknown name. */
  failNextPreset(name: string, count = 1, match?: CallMatch): void {
    const preset = Object.hasOwn(this.presets, name) ? this.presets[name] : undefined;
    if (!preset) throw new Error(`unknown failure preset "${name}"; known: ${Object.keys(this.presets).join(', ') || 'none'}`);
    this.failNext(count, preset.status, preset.body, preset.headers, match);
  }

  reset(): void {
    this.settings = { ...defaults };
    this.queued = [];
    this.journal.length = 0;
    this.maxInFlight = this.inFlight;
  }

  /**
   * The HTTP control surface under `/_sim`:
   * - GET  /_sim/faults            current settings and call count
   * - PUT  /_sim/faults            {latencyMs?, failureRate?, failureStatus?, refuseConnectionsForMs?}
   * - POST /_sim/fail-next         {count, status, body?, headers?, match?: {method?, pathPrefix?}}:
   *                                the next N product calls (that match) fail;
   *                                or {count?, preset, match?} for one of the simulator's named failures
   * - GET  /_sim/presets           the named failures and their answers
   * - POST /_sim/reset             faults back to defaults
   */
  register(router: SimRouter, prefix = '/_sim'): void {
    const parse = (body: string): Record<string, unknown> => (body ? (JSON.parse(body) as Record<string, unknown>) : {});
    router.add('GET', `${prefix}/faults`, () => ({ status: 200, body: { ...this.settings, calls: this.calls, queued: this.queued.length } }));
    router.add('PUT', `${prefix}/faults`, (req) => {
      const input = parse(req.body);
      const next = { ...this.settings };
      if (typeof input.latencyMs === 'number') next.latencyMs = input.latencyMs;
      if (typeof input.failureRate === 'number') next.failureRate = input.failureRate;
      if (typeof input.failureStatus === 'number') next.failureStatus = input.failureStatus;
      if (typeof input.refuseConnectionsForMs === 'number') next.refuseConnectionsUntil = Date.now() + input.refuseConnectionsForMs;
      this.settings = next;
      return { status: 200, body: this.settings };
    });
    router.add('GET', `${prefix}/presets`, () => ({ status: 200, body: this.presets }));
    router.add('POST', `${prefix}/fail-next`, (req) => {
      const input = parse(req.body);
      if (input.preset !== undefined) {
        if (typeof input.preset !== 'string' || !Object.hasOwn(this.presets, input.preset)) {
          return { status: 400, body: { error: `unknown preset ${JSON.stringify(input.preset)}; known: ${Object.keys(this.presets).join(', ')}` } };
        }
        this.failNextPreset(input.preset, Number(input.count ?? 1), input.match as CallMatch | undefined);
        return { status: 204 };
      }
      this.failNext(
        Number(input.count ?? 1),
        Number(input.status ?? 503),
        input.body,
        input.headers as Record<string, string> | undefined,
        input.match as CallMatch | undefined,
      );
      return { status: 204 };
    });
    router.add('POST', `${prefix}/reset`, () => {
      this.reset();
      return { status: 204 };
    });
  }
}

function parseJson(body: string): unknown {
  if (!body) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
