/*
 * Every call the console makes to the gateway, in one place: the public /v1 API through the
 * typed client (clients/typescript), with the signed-in credential. Nothing else in the
 * console talks to the network (but sign-in, in session.ts, which talks to the OIDC issuer).
 */
import {
  type components,
  createGatewayClient,
  type GatewayClient,
  GatewayProblemError,
  must,
  type Operation,
  type Peering,
  type ProblemInfo,
} from '../../clients/typescript/src/index.js';

type Schemas = components['schemas'];
export type { Operation, Peering, ProblemInfo };
export type Cluster = Schemas['Cluster'];
export type ApiKey = Schemas['ApiKeyDoc'];
export type NewApiKey = Schemas['ApiKeyWithSecretDoc'];
export type AuditEntry = Schemas['AuditEntryDoc'];
export type GatewayEvent = Schemas['EventDoc'];
export type Caller = Schemas['CallerDoc'];
export type CreatePeering = Schemas['CreatePeeringDto'];
export type Posture = Schemas['OntapPosture'] | Schemas['ConsulPostureDoc'];

/*
 * Parts of the contract ("A peering ready to use", "Conditions", "Plan before acting",
 * "Approvals") that the document may not describe yet: typed here as the contract writes them.
 */
export type PartState = 'pending' | 'ready' | 'failed' | 'removing';
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}
export interface SvmPeerPart {
  local: string;
  remote: string;
  applications: string[];
  state: PartState;
  nativeIds?: { local?: string | null; remote?: string | null };
  nativeState?: string | null;
  detail?: string;
}
export interface ExportPart {
  service: string;
  state: PartState;
  detail?: string;
}
export type PeeringView = Omit<Peering, 'state'> & {
  state: Peering['state'] | 'AWAITING_APPROVAL';
  team?: string;
  conditions?: Condition[];
  svmPeers?: SvmPeerPart[];
  exports?: { local?: ExportPart[]; remote?: ExportPart[] };
  approval?: {
    clusters: { cluster: string; approverTeams: string[]; approvedBy?: { id?: string; team?: string | null }; approvedAt?: string; comment?: string }[];
    requestedAt?: string;
    expiresAt?: string;
    outcome?: 'rejected' | 'expired';
    decidedBy?: { id?: string; team?: string | null };
    reason?: string;
  };
};
export interface PlanCheck {
  name: string;
  side?: string;
  status: 'pass' | 'warn' | 'fail';
  message: string;
  fix?: string;
}
export interface Plan {
  ready: boolean;
  checks: PlanCheck[];
  steps: { side?: string; action: string; description?: string }[];
}
export interface Approval {
  peeringId: string;
  name: string;
  product?: string;
  /** The team that asked. */
  team?: string;
  requestedBy?: { type?: string; id?: string | null; team?: string | null };
  requestedAt?: string;
  expiresAt?: string;
  /** The clusters that need an approval, and whether each has it. */
  clusters?: { cluster: string; approverTeams: string[]; approved: boolean }[];
  peering?: PeeringView;
}
/** A peering request with the contract's parts (svmPeers, exports) besides the document's options. */
export type PeeringRequest = Omit<CreatePeering, 'ontap' | 'consul'> & {
  ontap?: CreatePeering['ontap'] & { svmPeers?: { local: string; remote: string; applications?: string[] }[] };
  consul?: CreatePeering['consul'] & { exports?: { local?: string[]; remote?: string[] } };
};

export const PEERING_STATES = ['PENDING', 'AWAITING_APPROVAL', 'ESTABLISHING', 'ACTIVE', 'DEGRADED', 'FAILED', 'DELETING', 'DELETED'] as const;

export { GatewayProblemError };

/** The problem of a failed call, whatever failed (the gateway's problem, or the network). */
export function problemOf(err: unknown): ProblemInfo {
  if (err instanceof GatewayProblemError) return { ...err.problem, status: err.status };
  return { title: 'The gateway could not be reached', detail: err instanceof Error ? err.message : String(err) };
}

/** The gateway serving this page: the API is on the same origin. */
const BASE = window.location.origin;

/** Untyped calls, for the routes the contract names that the generated document may not have yet. */
type Untyped = (
  path: string,
  init?: { params?: { path?: Record<string, string>; query?: Record<string, unknown> }; body?: unknown },
) => Promise<{
  data?: unknown;
  error?: unknown;
  response: Response;
}>;

export class Api {
  private readonly client: GatewayClient;

  constructor(private readonly token: string) {
    this.client = createGatewayClient(BASE, token);
  }

  private untyped(method: 'GET' | 'POST' | 'PATCH' | 'DELETE'): Untyped {
    return this.client[method] as unknown as Untyped;
  }

  whoami(): Promise<Caller> {
    return must(this.client.GET('/v1/whoami'));
  }

  async peerings(filters: {
    state?: string;
    product?: string;
    cluster?: string;
    cursor?: string;
  }): Promise<{ items: PeeringView[]; nextCursor: string | null }> {
    const query = Object.fromEntries(Object.entries({ limit: 100, ...filters }).filter(([, v]) => v !== undefined && v !== ''));
    return (await must(this.untyped('GET')('/v1/peerings', { params: { query } }))) as { items: PeeringView[]; nextCursor: string | null };
  }

  async peering(id: string): Promise<PeeringView> {
    return (await must(this.client.GET('/v1/peerings/{id}', { params: { path: { id } } }))) as PeeringView;
  }

  operation(id: string): Promise<Operation> {
    return must(this.client.GET('/v1/operations/{id}', { params: { path: { id } } }));
  }

  async events(id: string): Promise<GatewayEvent[]> {
    return (await must(this.client.GET('/v1/peerings/{id}/events', { params: { path: { id } } }))).items;
  }

  async plan(body: PeeringRequest): Promise<Plan> {
    return (await must(this.untyped('POST')('/v1/peerings', { params: { query: { dryRun: true } }, body }))) as Plan;
  }

  async create(body: PeeringRequest): Promise<PeeringView> {
    return (await must(this.client.POST('/v1/peerings', { body: body as CreatePeering, headers: { 'idempotency-key': crypto.randomUUID() } }))) as PeeringView;
  }

  async retry(id: string): Promise<PeeringView> {
    return (await must(this.client.POST('/v1/peerings/{id}/retry', { params: { path: { id } } }))) as PeeringView;
  }

  async sync(id: string): Promise<PeeringView> {
    return (await must(this.client.POST('/v1/peerings/{id}/sync', { params: { path: { id } } }))) as PeeringView;
  }

  async remove(id: string): Promise<PeeringView> {
    return (await must(this.client.DELETE('/v1/peerings/{id}', { params: { path: { id } } }))) as PeeringView;
  }

  async approvals(): Promise<{ items: Approval[]; nextCursor: string | null }> {
    return (await must(this.untyped('GET')('/v1/approvals', { params: { query: { limit: 100 } } }))) as { items: Approval[]; nextCursor: string | null };
  }

  async approve(id: string, comment?: string): Promise<void> {
    await must(this.untyped('POST')('/v1/peerings/{id}/approve', { params: { path: { id } }, body: comment ? { comment } : {} }));
  }

  async reject(id: string, reason: string): Promise<void> {
    await must(this.untyped('POST')('/v1/peerings/{id}/reject', { params: { path: { id } }, body: { reason } }));
  }

  async clusters(): Promise<Cluster[]> {
    return (await must(this.client.GET('/v1/clusters'))).items;
  }

  posture(id: string): Promise<Posture> {
    return must(this.client.GET('/v1/clusters/{id}/posture', { params: { path: { id } } })) as Promise<Posture>;
  }

  async apiKeys(): Promise<ApiKey[]> {
    return (await must(this.client.GET('/v1/api-keys', { params: { query: { limit: 100 } } }))).items;
  }

  createApiKey(body: Schemas['CreateApiKeyDto']): Promise<NewApiKey> {
    return must(this.client.POST('/v1/api-keys', { body }));
  }

  async revokeApiKey(id: string): Promise<void> {
    await must(this.client.DELETE('/v1/api-keys/{id}', { params: { path: { id } } }));
  }

  audit(query: { actor?: string; action?: string; target?: string; cursor?: string }): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    const q = Object.fromEntries(Object.entries({ limit: 50, ...query }).filter(([, v]) => v !== undefined && v !== ''));
    return must(this.client.GET('/v1/audit', { params: { query: q } }));
  }

  /**
   * Follows an event stream (GET /v1/events/watch, or /v1/peerings/{id}/watch) until `signal`
   * aborts, reconnecting after a cut with Last-Event-ID. EventSource cannot send the
   * Authorization header, so this reads the stream with fetch.
   */
  watch(path: string, onEvent: (event: GatewayEvent) => void, signal: AbortSignal, onState?: (live: boolean) => void): void {
    let lastId: string | undefined;
    const connect = async (): Promise<void> => {
      while (!signal.aborted) {
        try {
          const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' };
          if (lastId) headers['last-event-id'] = lastId;
          const response = await fetch(`${BASE}${path}`, { headers, signal });
          if (!response.ok || !response.body) throw new Error(`the event stream answered ${response.status}`);
          onState?.(true);
          for await (const message of sseMessages(response.body)) {
            if (message.id) lastId = message.id;
            if (!message.data) continue;
            try {
              onEvent(JSON.parse(message.data) as GatewayEvent);
            } catch {
              /* a message that is not an event (a comment or a malformed line): skipped */
            }
          }
        } catch {
          if (signal.aborted) return;
        }
        onState?.(false);
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
    };
    void connect();
  }
}

/** The messages of a text/event-stream body (the WHATWG format: event, data, id fields). */
async function* sseMessages(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event?: string; data: string; id?: string }> {
  const reader = body.pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      const message: { event?: string; data: string; id?: string } = { data: '' };
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') message.data += (message.data ? '\n' : '') + value;
        else if (field === 'event') message.event = value;
        else if (field === 'id') message.id = value;
      }
      yield message;
    }
  }
}
