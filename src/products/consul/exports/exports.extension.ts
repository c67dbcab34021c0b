import { Inject, Injectable } from '@nestjs/common';
import type { NativeSide } from '../../port.js';
import { UpstreamError } from '../../port.js';
import type { Cluster } from '../../../domain/cluster.js';
import { sleep } from '../../../common/time.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../../config/gateway-config.js';
import type { HandshakeExtension, PeeringClusters, StepRunner } from '../../handshake-extension.js';
import { PeeringParts } from '../../parts.js';
import type { Peering } from '../../../domain/peering.js';
import type { ConsulExports, ExportPart, ExportParts, ExportSide } from './export-model.js';
import { type ExportedService, ExportedServicesClient } from './exported-services.client.js';

/** Lost check-and-sets in a row before the attempt gives up (the operation is retried later). */
const CAS_ROUNDS = 8;

type SidePart = ExportPart & { side: ExportSide };

/**
 * Exported services over a Consul peering (`consul.exports`): what the peering is for.
 * - afterEstablished (worker, before ACTIVE): the peer is added as a consumer of each service in
 *   the partition's exported-services entry on the exporting side, by check-and-set, re-reading
 *   on a lost one; services no longer asked for lose the consumers the gateway added. The
 *   peering is ACTIVE once the other side's record lists every service as imported.
 * - beforeTeardown (worker): the consumers the gateway added go, before the peering itself.
 * The entry is shared with every other peering and operator of the partition: what they wrote
 * (services, consumers, fields) is written back as it was.
 */
@Injectable()
export class ConsulExportsExtension implements HandshakeExtension {
  constructor(
    private readonly entries: ExportedServicesClient,
    private readonly parts: PeeringParts,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async afterEstablished(run: StepRunner, peering: Peering, clusters: PeeringClusters, _natives: NativeSide[]): Promise<void> {
    const wanted: ConsulExports = { local: peering.consul?.exports?.local ?? [], remote: clusters.remote ? (peering.consul?.exports?.remote ?? []) : [] };
    const recorded = peering.exports ?? { local: [], remote: [] };
    if (![...wanted.local, ...wanted.remote, ...recorded.local, ...recorded.remote].length) return;
    let parts: ExportParts = recorded;
    try {
      parts = await run.step(
        'exports',
        async () => {
          const local = await this.ensure(peering, clusters.local, 'local', wanted.local, parts);
          const remote = clusters.remote ? await this.ensure(peering, clusters.remote, 'remote', wanted.remote, { ...parts, local }) : [];
          return { local, remote };
        },
        describe,
      );
      await run.step('exports-await', () => this.awaitImported(peering, clusters, parts), describe);
    } catch (err) {
      if (err instanceof UpstreamError && err.kind === 'final') await this.fail(peering.id, wanted, err.toProblem().detail);
      throw err;
    }
  }

  async beforeTeardown(run: StepRunner, peering: Peering, clusters: PeeringClusters): Promise<void> {
    // A part whose entry could never be read was never written: there is nothing of it to remove.
    const written = (parts: ExportPart[] | undefined) => (parts ?? []).filter((p) => !p.unread);
    const recorded = { local: written(peering.exports?.local), remote: written(peering.exports?.remote) };
    if (!recorded.local.length && !recorded.remote.length) {
      if (peering.exports) await this.save(peering.id, { local: [], remote: [] });
      return;
    }
    const removing = (parts: ExportPart[]) => parts.map((part) => ({ ...part, state: 'removing' as const }));
    await this.save(peering.id, { local: removing(recorded.local), remote: removing(recorded.remote) });
    await run.step(
      'exports-remove',
      async () => {
        await this.ensure(peering, clusters.local, 'local', [], recorded);
        if (clusters.remote) await this.ensure(peering, clusters.remote, 'remote', [], { local: [], remote: recorded.remote });
        return recorded.local.length + recorded.remote.length;
      },
      (n) => `removed what the gateway added for ${n} exported ${n === 1 ? 'service' : 'services'}; kept what others wrote`,
    );
    await this.save(peering.id, { local: [], remote: [] });
  }

  /**
   * Makes `side`'s exports what is wanted, by check-and-set on the entry. The parts are saved
   * before each write, so a crash after it still knows which consumers the gateway added.
   */
  private async ensure(peering: Peering, cluster: Cluster, side: ExportSide, wanted: string[], current: ExportParts): Promise<ExportPart[]> {
    const peer = peering.name.toLowerCase();
    const prior = current[side];
    for (let round = 1; round <= CAS_ROUNDS; round++) {
      const entry = await this.entries.read(cluster);
      const services = structuredClone(entry.services);
      const parts: ExportPart[] = wanted.map((service) => {
        const before = prior.find((p) => p.service === service && !p.unread);
        const found = services.find((s) => s.Name === service && !s.Namespace);
        const hasConsumer = Boolean(found?.Consumers.some((c) => c.Peer === peer));
        if (!found) services.push({ Name: service, Consumers: [{ Peer: peer }] });
        else if (!hasConsumer) found.Consumers.push({ Peer: peer });
        return {
          service,
          state: before?.state === 'ready' ? 'ready' : 'pending',
          adopted: before ? before.adopted : hasConsumer,
          addedService: before ? before.addedService : !found,
        };
      });
      const dropped = prior.filter((p) => !wanted.includes(p.service));
      removeOurs(services, dropped, peer);
      await this.save(peering.id, { ...current, [side]: [...parts, ...dropped.map((p) => ({ ...p, state: 'removing' as const }))] });
      const unchanged = JSON.stringify(services) === JSON.stringify(entry.services);
      if (unchanged || (await this.entries.write(cluster, entry, services))) {
        await this.save(peering.id, { ...current, [side]: parts });
        return parts;
      }
      // Somebody wrote the entry since it was read: read it again, keep what they wrote, and redo ours.
      await sleep(Math.round(Math.random() * 20 * round));
    }
    throw new UpstreamError(
      'transient',
      {
        product: 'consul',
        cluster: cluster.id,
        status: null,
        code: 'cas_lost',
        message: `the exported-services entry changed under ${CAS_ROUNDS} writes in a row`,
      },
      'upstream_unavailable',
    );
  }

  /** Reads the importing side until it lists every exported service (the stream carries them a little later). */
  private async awaitImported(peering: Peering, clusters: PeeringClusters, parts: ExportParts): Promise<ExportParts> {
    const peer = peering.name.toLowerCase();
    const deadline = Date.now() + this.config.establishTimeoutMs;
    let interval = 25;
    for (;;) {
      const [local, remote] = await Promise.all([
        this.entries.streamed(clusters.local, peer),
        clusters.remote ? this.entries.streamed(clusters.remote, peer) : null,
      ]);
      // Two-sided: the remote's record imports what we export; one-sided, our record's exports are all we can see.
      const carried = clusters.remote ? (remote?.imported ?? []) : (local?.exported ?? []);
      const mark = (list: ExportPart[], seen: string[], where: string): ExportPart[] =>
        list.map((p) =>
          seen.includes(p.service)
            ? { ...p, state: 'ready' as const, detail: undefined }
            : { ...p, state: 'pending' as const, detail: `exported; ${where} does not list it as imported yet` },
        );
      parts = {
        local: mark(parts.local, carried, clusters.remote ? clusters.remote.id : `${clusters.local.id}'s peering stream`),
        remote: mark(parts.remote, local?.imported ?? [], clusters.local.id),
      };
      await this.save(peering.id, parts);
      const waiting = [...parts.local, ...parts.remote].filter((p) => p.state !== 'ready');
      if (!waiting.length) return parts;
      if (Date.now() + interval > deadline) {
        const message = `not imported within ${Math.round(this.config.establishTimeoutMs / 1000)} s: ${waiting.map((p) => p.service).join(', ')}`;
        throw new UpstreamError(
          'transient',
          { product: 'consul', cluster: clusters.local.id, status: null, code: 'export_not_imported', message },
          'upstream_unavailable',
        );
      }
      await sleep(interval);
      interval = Math.min(500, Math.round(interval * 1.5));
    }
  }

  /** A final refusal (a token without mesh:write...) fails every part not ready, with the reason; one never written shows as failed too. */
  private async fail(id: string, wanted: ConsulExports, detail: string): Promise<void> {
    await this.parts.save(
      id,
      'export',
      (p) => flatten(p.exports),
      (p, flat) => ({ ...p, exports: unflatten(flat) }),
      (current) => {
        const unread = (['local', 'remote'] as const).flatMap((side) =>
          wanted[side]
            .filter((service) => !current.some((p) => p.side === side && p.service === service))
            .map((service): SidePart => ({ side, service, state: 'pending', adopted: false, addedService: false, unread: true })),
        );
        return [...current, ...unread].map((part) => (part.state === 'ready' ? part : { ...part, state: 'failed' as const, detail }));
      },
      keyOf,
    );
  }

  private async save(id: string, parts: ExportParts): Promise<void> {
    await this.parts.save(
      id,
      'export',
      (p) => flatten(p.exports),
      (p, flat) => ({ ...p, exports: unflatten(flat) }),
      flatten(parts),
      keyOf,
    );
  }
}

/** Takes out the consumers the gateway added for dropped services; a service it added goes with its last consumer. */
function removeOurs(services: ExportedService[], dropped: ExportPart[], peer: string): void {
  for (const part of dropped) {
    if (part.adopted || part.unread) continue;
    const index = services.findIndex((s) => s.Name === part.service && !s.Namespace);
    if (index < 0) continue;
    const service = services[index];
    service.Consumers = service.Consumers.filter((c) => c.Peer !== peer);
    // Consul refuses a service without consumers: it goes once nobody consumes it.
    if (service.Consumers.length === 0) services.splice(index, 1);
  }
}

function flatten(parts: ExportParts | undefined): SidePart[] {
  return [...(parts?.local ?? []).map((p) => ({ ...p, side: 'local' as const })), ...(parts?.remote ?? []).map((p) => ({ ...p, side: 'remote' as const }))];
}

function unflatten(flat: SidePart[]): ExportParts {
  const strip = ({ side: _side, ...part }: SidePart): ExportPart => part;
  return { local: flat.filter((p) => p.side === 'local').map(strip), remote: flat.filter((p) => p.side === 'remote').map(strip) };
}

const keyOf = (part: SidePart): string => `${part.side}:${part.service}`;

function describe(parts: ExportParts): string {
  const list = (side: ExportSide) => parts[side].map((p) => `${p.service} ${p.state}${p.adopted ? ' (already exported)' : ''}`).join(', ');
  return [`local: ${list('local') || 'none'}`, `remote: ${list('remote') || 'none'}`].join('; ');
}
