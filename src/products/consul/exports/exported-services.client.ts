import { Injectable } from '@nestjs/common';
import type { Cluster } from '../../../domain/cluster.js';
import { UpstreamError } from '../../port.js';
import { ConsulAdapter } from '../consul.adapter.js';

export interface ServiceConsumer {
  Peer?: string;
  Partition?: string;
  SamenessGroup?: string;
}

export interface ExportedService {
  Name: string;
  Namespace?: string;
  Consumers: ServiceConsumer[];
}

/** The partition's `exported-services` config entry as read, with the index its next write must name. */
export interface ExportedServicesEntry {
  services: ExportedService[];
  /** Other fields of the entry (Meta...), written back as they were. */
  rest: Record<string, unknown>;
  /** ModifyIndex; 0 when there is no entry (a cas of 0 writes only a new one). */
  index: number;
}

/** Past the highest index Consul will reach: a check-and-set with it never writes. */
const NEVER_INDEX = '9007199254740991';

/** The permission that writing exported services needs (Consul's ACL rules: `mesh:write`, or `operator:write`). */
export const EXPORT_PERMISSION = 'mesh:write';

/**
 * Consul's `exported-services` config entry, shared by every peering and operator of the
 * partition (docs/product-facts.md): read with its ModifyIndex, written only by check-and-set
 * (`PUT /v1/config?cas=`), so nobody's change is lost.
 */
@Injectable()
export class ExportedServicesClient {
  constructor(private readonly consul: ConsulAdapter) {}

  private partitionName(cluster: Cluster): string {
    return cluster.consul?.partition ?? 'default';
  }

  async read(cluster: Cluster): Promise<ExportedServicesEntry> {
    const answer = await this.call(cluster, () =>
      this.consul.call(cluster, { method: 'GET', path: `/config/exported-services/${this.partitionName(cluster)}`, query: this.query(cluster) }, true),
    );
    if (answer.status === 404) return { services: [], rest: {}, index: 0 };
    const { Services, ModifyIndex, CreateIndex: _created, Kind: _kind, Name: _name, ...rest } = JSON.parse(answer.text) as Record<string, unknown>;
    return { services: (Services as ExportedService[] | null) ?? [], rest, index: Number(ModifyIndex) || 0 };
  }

  /** Writes the entry if nobody changed it since `entry` was read; false when somebody did. */
  async write(cluster: Cluster, entry: ExportedServicesEntry, services: ExportedService[]): Promise<boolean> {
    const answer = await this.call(cluster, () =>
      this.consul.call(cluster, {
        method: 'PUT',
        path: '/config',
        query: { ...this.query(cluster), cas: String(entry.index) },
        json: { ...entry.rest, Kind: 'exported-services', Name: this.partitionName(cluster), Services: services },
      }),
    );
    return answer.text.trim() === 'true';
  }

  /**
   * Whether the registered token may write exports: a check-and-set no index can match, so it
   * never writes; Consul checks the ACL first. Null when the answer says neither.
   */
  async canWrite(cluster: Cluster): Promise<boolean | null> {
    try {
      await this.consul.call(cluster, {
        method: 'PUT',
        path: '/config',
        query: { ...this.query(cluster), cas: NEVER_INDEX },
        json: { Kind: 'exported-services', Name: this.partitionName(cluster), Services: [] },
      });
      return true;
    } catch (err) {
      if (err instanceof UpstreamError && err.upstream.status === 403) return false;
      if (err instanceof UpstreamError) return null;
      throw err;
    }
  }

  /** The services registered in the catalog. */
  async catalog(cluster: Cluster): Promise<string[]> {
    const answer = await this.consul.call(cluster, { method: 'GET', path: '/catalog/services', query: this.query(cluster) });
    return Object.keys(JSON.parse(answer.text) as Record<string, unknown>);
  }

  /** The services the stream carries over this datacenter's peering record: imported and exported. */
  async streamed(cluster: Cluster, peerName: string): Promise<{ imported: string[]; exported: string[] } | null> {
    const answer = await this.consul.call(cluster, { method: 'GET', path: `/peering/${peerName}`, query: this.query(cluster) }, true);
    if (answer.status === 404) return null;
    const status = (JSON.parse(answer.text) as { StreamStatus?: { ImportedServices?: string[] | null; ExportedServices?: string[] | null } }).StreamStatus;
    return { imported: status?.ImportedServices ?? [], exported: status?.ExportedServices ?? [] };
  }

  private query(cluster: Cluster): Record<string, string | undefined> {
    return { partition: this.consul.partition(cluster) };
  }

  /** A token without mesh:write is a final refusal that names the permission, not Consul's bare 403. */
  private async call<T>(cluster: Cluster, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof UpstreamError && err.upstream.status === 403) {
        throw new UpstreamError(
          'final',
          err.upstream,
          'upstream_rejected',
          `the ACL token registered for ${cluster.id} may not write exported services: it needs the permission ${EXPORT_PERMISSION} (or operator:write), besides peering:write; give the token a policy with mesh = "write", then retry`,
        );
      }
      throw err;
    }
  }
}
