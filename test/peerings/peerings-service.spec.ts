import { describe, expect, it } from '@jest/globals';
import type { DomainEvents } from '../../src/domain/domain-events.js';
import { loadConfig } from '../../src/config/gateway-config.js';
import type { Cluster } from '../../src/domain/cluster.js';
import type { ClusterStore } from '../../src/stores/cluster.store.js';
import { GatewayError } from '../../src/common/problem.js';
import type { Operation } from '../../src/domain/operation.js';
import type { OperationStore } from '../../src/stores/operation.store.js';
import { productPlugin } from '../../src/products/index.js';
import type { ProductRegistry, RegisteredProduct } from '../../src/products/product-registry.js';
import type { OperationQueue } from '../../src/queues/operation-queue.js';
import type { Peering } from '../../src/domain/peering.js';
import type { CreatePeeringDto, UpdatePeeringDto } from '../../src/peerings/peering.dto.js';
import type { PeeringState } from '../../src/domain/peering-state.js';
import type { PeeringTransitions } from '../../src/stores/peering-transitions.js';
import { type ExtraLock, LockedError, type PeeringStore } from '../../src/stores/peering.store.js';
import { PeeringsService } from '../../src/peerings/peerings.service.js';

/** The use cases with their edges replaced: stores in memory, the queue and the products' hooks recorded. */
function setUp(clusters: Cluster[]) {
  const peerings = new Map<string, Peering>();
  const created: { peering: Peering; operation: Operation; locks: ExtraLock[] }[] = [];
  const released: { id: string; locks: string[] }[] = [];
  const enqueued: string[] = [];
  const moves: { id: string; to: PeeringState }[] = [];
  const prechecks: string[] = [];
  const store = {
    create: async (peering: Peering, operation: Operation, locks: ExtraLock[]) => {
      // The name lock, as the store's script holds it: one live peering per name.
      const holder = [...peerings.values()].find((p) => p.name === peering.name && p.state !== 'DELETING');
      if (holder) throw new LockedError(`a live peering named '${peering.name}' already exists`, holder.id);
      created.push({ peering, operation, locks });
      peerings.set(peering.id, peering);
      ops.set(operation.id, operation);
    },
    get: async (id: string) => peerings.get(id) ?? null,
    require: async (id: string) => {
      const p = peerings.get(id);
      if (!p) throw GatewayError.notFound('peering', id);
      return p;
    },
    update: async (id: string, change: (p: Peering) => Peering) => {
      const next = change(peerings.get(id)!);
      peerings.set(id, next);
      return next;
    },
    releaseLocks: async (peering: Peering, locks: string[]) => void released.push({ id: peering.id, locks }),
  } as unknown as PeeringStore;
  const clusterStore = { get: async (id: string) => clusters.find((c) => c.id === id) ?? null } as unknown as ClusterStore;
  const ops = new Map<string, Operation>();
  const operations = { createQueued: async () => undefined, get: async (id: string) => ops.get(id) ?? null } as unknown as OperationStore;
  const transitions = {
    created: async () => undefined,
    move: async (id: string, to: PeeringState, patch: { operationId?: string }) => {
      moves.push({ id, to });
      const next = { ...peerings.get(id)!, state: to, operationId: patch.operationId ?? peerings.get(id)!.operationId };
      peerings.set(id, next);
      return next;
    },
  } as unknown as PeeringTransitions;
  const queue = { enqueue: async (id: string) => void enqueued.push(id) } as unknown as OperationQueue;
  const products = {
    for: (id: string): RegisteredProduct => ({
      plugin: productPlugin(id)!,
      adapter: {} as RegisteredProduct['adapter'],
      posture: {} as RegisteredProduct['posture'],
      extensions: [{ precheck: async (p: Peering) => void prechecks.push(p.name) }],
    }),
  } as unknown as ProductRegistry;
  const events = { emit: async () => undefined } as unknown as DomainEvents;
  const service = new PeeringsService(store, clusterStore, operations, transitions, queue, products, events, loadConfig({ GATEWAY_SANDBOX: 'true' }));
  return { service, peerings, created, released, enqueued, moves, prechecks };
}

const ontap = (id: string): Cluster => ({
  id,
  product: 'ontap',
  endpoint: `https://${id}`,
  auth: { username: 'u', password: 'p' },
  ontap: { interclusterAddresses: ['10.0.0.1'], ipspace: 'Default' },
  source: 'api',
  createdAt: '',
  updatedAt: '',
});
const consul = (id: string): Cluster => ({
  id,
  product: 'consul',
  endpoint: `http://${id}`,
  auth: { token: 't' },
  consul: { partition: 'default', serverExternalAddresses: [] },
  source: 'api',
  createdAt: '',
  updatedAt: '',
});

const body = (input: Partial<CreatePeeringDto>) =>
  ({ name: 'east-west', local: { cluster: 'east' }, remote: { cluster: 'west' }, ...input }) as CreatePeeringDto;

async function refusal(work: Promise<unknown>): Promise<GatewayError> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayError);
  return err as GatewayError;
}

describe('PeeringsService', () => {
  it("records a create with its product's options and locks, runs the product's prechecks, then enqueues", async () => {
    const t = setUp([ontap('east'), ontap('west')]);
    const view = await t.service.create({ input: body({ labels: { team: 'storage' } }) });
    expect(view).toMatchObject({ state: 'PENDING', product: 'ontap', ontap: { encryption: 'tls_psk' }, labels: { team: 'storage' } });
    expect(t.prechecks).toEqual(['east-west']);
    expect(t.created).toHaveLength(1);
    expect(t.created[0].locks.map((l) => l.name)).toEqual(['pair:east|west']);
    expect(t.enqueued).toEqual([t.created[0].operation.id]);
  });

  it('refuses before anything is written: unknown clusters, mixed products, rules of the product, another product’s options', async () => {
    const t = setUp([ontap('east'), ontap('west'), consul('dc1')]);
    const unknown = await refusal(t.service.create({ input: body({ remote: { cluster: 'nowhere' } }) }));
    expect(unknown.problem.errors).toEqual([{ field: 'remote.cluster', message: "cluster 'nowhere' is not registered" }]);
    const mixed = await refusal(t.service.create({ input: body({ remote: { cluster: 'dc1' } }) }));
    expect(mixed.problem.errors?.[0]).toMatchObject({ field: 'remote.cluster' });
    const rules = await refusal(t.service.create({ input: body({ name: '9-starts-with-a-digit', consul: {} } as Partial<CreatePeeringDto>) }));
    expect(rules.problem.errors).toEqual([
      { field: 'consul', message: 'is only for Consul peerings' },
      { field: 'name', message: 'must follow ONTAP cluster-name rules: start with a letter, at most 44 characters' },
    ]);
    expect(t.created).toHaveLength(0);
    expect(t.enqueued).toHaveLength(0);
  });

  it('changes labels at once, and starts an update operation only for changes on the clusters', async () => {
    const t = setUp([consul('dc1'), consul('dc2')]);
    const created = await t.service.create({ input: body({ local: { cluster: 'dc1' }, remote: { cluster: 'dc2' } }) });
    t.peerings.set(created.id, { ...t.peerings.get(created.id)!, state: 'ACTIVE' });
    const relabelled = await t.service.update(created.id, { labels: { a: 'b' } } as UpdatePeeringDto);
    expect(relabelled.labels).toEqual({ a: 'b' });
    expect(t.enqueued).toHaveLength(1);
    await t.service.update(created.id, { consul: { rotateToken: true } } as UpdatePeeringDto);
    expect(t.enqueued).toHaveLength(2);
    expect(t.moves.at(-1)).toEqual({ id: created.id, to: 'ACTIVE' });
  });

  it("starts a delete once, freeing the name and the product's locks", async () => {
    const t = setUp([ontap('east'), ontap('west')]);
    const created = await t.service.create({ input: body({}) });
    const deleting = await t.service.remove(created.id);
    expect(deleting.state).toBe('DELETING');
    expect(t.released).toEqual([{ id: created.id, locks: ['pair:east|west'] }]);
    await t.service.remove(created.id);
    expect(t.moves.filter((m) => m.to === 'DELETING')).toHaveLength(1);
  });

  it('answers a create retried with the same Idempotency-Key with the peering it made, when the first answer was lost', async () => {
    const t = setUp([consul('dc1'), consul('dc2')]);
    const body1 = body({ local: { cluster: 'dc1' }, remote: { cluster: 'dc2' } });
    const first = await t.service.create({ input: body1, idempotencyKeyHash: 'hash-of-key-1' });
    const again = await t.service.create({ input: body1, idempotencyKeyHash: 'hash-of-key-1' });
    expect(again.id).toBe(first.id);
    expect(t.created).toHaveLength(1);
    // Another key (or none) for the same name is the conflict it always was.
    const other = await refusal(t.service.create({ input: body1, idempotencyKeyHash: 'hash-of-key-2' }));
    expect(other.problem.code).toBe('conflict');
    expect((await refusal(t.service.create({ input: body1 }))).problem.code).toBe('conflict');
  });
});
