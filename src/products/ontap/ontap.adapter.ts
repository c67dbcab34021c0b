import { Injectable } from '@nestjs/common';
import type { Cluster } from '../../domain/cluster.js';
import type { HttpAnswer } from '../../transport/cluster-http.js';
import { type NativeSide, type Offer, type PeeringAdapter, type SideContext, type SideHealth, UpstreamError } from '../port.js';
import { asRouteFailure, classifyOntapError } from './ontap-errors.js';
import { OntapRestClient } from './ontap-rest-client.js';

/** The fields of an ONTAP cluster-peer record the gateway reads. */
export interface OntapPeerRecord {
  uuid: string;
  name: string;
  remote?: { ip_addresses?: string[]; name?: string };
  status?: { state?: string };
  authentication?: { state?: string; in_use?: string; expiry_time?: string };
  encryption?: { proposed?: string; state?: string };
}

const RECORD_FIELDS = 'uuid,name,remote,status,authentication,encryption,ipspace';

const HEALTH: Record<string, SideHealth> = {
  available: 'active',
  pending: 'pending',
  partial: 'degraded',
  unavailable: 'degraded',
  unidentified: 'degraded',
};

/** Asks ONTAP to put the record in the answer, so a generated passphrase arrives even with a 202 job answer. */
const RETURN_RECORDS = { return_records: 'true' };

/**
 * ONTAP cluster peers over the REST API. Both sides are records made by POST /cluster/peers: the
 * local side offers (generated passphrase, the remote cluster's addresses), the remote side
 * accepts (that passphrase, the local cluster's addresses). Deletes are synchronous, or a job.
 */
@Injectable()
export class OntapAdapter implements PeeringAdapter {
  readonly product = 'ontap' as const;

  constructor(private readonly rest: OntapRestClient) {}

  /**
   * POST of a cluster-peer record. A failure that says the remote addresses cannot be reached is
   * a route failure whatever its code (ontap-errors.ts). So is a create whose answer was lost on
   * the network while the cluster itself answers: it looks first, since the create may have been
   * made (null then: the record is there).
   */
  private async createPeer(side: SideContext, json: Record<string, unknown>, query?: Record<string, string>): Promise<HttpAnswer | null> {
    const addresses = this.counterpartAddresses(side);
    try {
      return await this.rest.call(side.cluster, { method: 'POST', path: '/cluster/peers', query, json }, { createTo: addresses });
    } catch (err) {
      if (!(err instanceof UpstreamError) || err.upstream.status !== null || err.upstream.code !== 'network_error') throw err;
      let made: OntapPeerRecord | null;
      try {
        made = await this.findRecord(side);
      } catch {
        // The cluster does not answer at all: it is away, not the route to the remote.
        throw err;
      }
      if (made) return null;
      throw asRouteFailure(err, addresses);
    }
  }

  peerName(side: SideContext): string {
    return side.peering.name;
  }

  /** The addresses the side's record names as its remote: the other cluster's intercluster LIFs. */
  counterpartAddresses(side: SideContext): string[] {
    const other = side.counterpart.cluster;
    if (!other) return side.counterpart.addresses ?? [];
    // New LIFs made for this peering on its local cluster are the addresses the remote must use.
    const lifs = side.peering.ontap?.localNetwork?.interfaces.map((i) => i.ipAddress);
    if (other.id === side.peering.local.cluster && lifs?.length) return lifs;
    return other.ontap?.interclusterAddresses ?? [];
  }

  /** Every cluster-peer record of the cluster, all pages. */
  list(cluster: Cluster): Promise<OntapPeerRecord[]> {
    return this.rest.collection<OntapPeerRecord>(cluster, '/cluster/peers', { fields: RECORD_FIELDS });
  }

  async readAll(cluster: Cluster): Promise<Map<string, NativeSide>> {
    return new Map((await this.list(cluster)).map((r) => [r.name.toLowerCase(), toNativeSide(r)]));
  }

  private async findRecord(side: SideContext): Promise<OntapPeerRecord | null> {
    const name = this.peerName(side);
    const addresses = new Set(this.counterpartAddresses(side));
    const records = await this.list(side.cluster);
    return records.find((r) => r.name === name) ?? records.find((r) => (r.remote?.ip_addresses ?? []).some((ip) => addresses.has(ip))) ?? null;
  }

  async find(side: SideContext): Promise<NativeSide | null> {
    const record = await this.findRecord(side);
    return record ? toNativeSide(record) : null;
  }

  async offer(side: SideContext, existing: NativeSide | null): Promise<Offer> {
    const options = side.peering.ontap;
    const authentication = { generate_passphrase: true, expiry_time: options?.passphraseExpiry };
    const answer = existing
      ? // A record without its pair (a half pair): a new passphrase on it repairs the pair.
        await this.rest.call(side.cluster, {
          method: 'PATCH',
          path: `/cluster/peers/${existing.nativeId}`,
          query: RETURN_RECORDS,
          json: { authentication, encryption: { proposed: options?.encryption } },
        })
      : await this.createPeer(side, { ...this.createBody(side), authentication, local_network: localNetwork(side) }, RETURN_RECORDS);
    // The create was made but its answer (and the generated passphrase) lost: a new passphrase on it.
    if (!answer) return this.offer(side, await this.find(side));
    const body = JSON.parse(answer.text || '{}') as {
      authentication?: { passphrase?: string; expiry_time?: string };
      records?: { authentication?: { passphrase?: string; expiry_time?: string } }[];
    };
    const auth = body.authentication ?? body.records?.[0]?.authentication;
    if (!auth?.passphrase) throw classifyOntapError(side.cluster, answer.status, null, 'the cluster did not return a generated passphrase');
    return { secret: auth.passphrase, expiresAt: auth.expiry_time };
  }

  async accept(side: SideContext, secret: string): Promise<void> {
    await this.createPeer(side, { ...this.createBody(side), authentication: { passphrase: secret } });
  }

  /** The other side of a rotation: the same passphrase (and encryption) on the existing record. */
  async confirm(side: SideContext, native: NativeSide, secret: string): Promise<void> {
    const encryption = side.peering.ontap?.encryption;
    await this.rest.call(side.cluster, {
      method: 'PATCH',
      path: `/cluster/peers/${native.nativeId}`,
      json: { authentication: { passphrase: secret }, encryption: encryption ? { proposed: encryption } : undefined },
    });
  }

  async retarget(side: SideContext, native: NativeSide, addresses: string[]): Promise<void> {
    await this.rest.call(side.cluster, { method: 'PATCH', path: `/cluster/peers/${native.nativeId}`, json: { remote: { ip_addresses: addresses } } });
  }

  private createBody(side: SideContext): Record<string, unknown> {
    const options = side.peering.ontap;
    return {
      name: this.peerName(side),
      remote: { ip_addresses: this.counterpartAddresses(side) },
      encryption: options ? { proposed: options.encryption } : undefined,
      ipspace: { name: options?.ipspace ?? side.cluster.ontap?.ipspace ?? 'Default' },
      initial_allowed_svms: options?.initialAllowedSvms?.map((name) => ({ name })),
    };
  }

  async remove(side: SideContext, native: NativeSide): Promise<void> {
    await this.rest.call(side.cluster, { method: 'DELETE', path: `/cluster/peers/${native.nativeId}` }, { allowNotFound: true });
  }

  /** ONTAP deletes synchronously (or by a job already followed): one read confirms it. */
  async awaitRemoved(side: SideContext): Promise<boolean> {
    return (await this.findRecord(side)) === null;
  }
}

/** Only the peering's local side makes new intercluster LIFs. */
function localNetwork(side: SideContext): Record<string, unknown> | undefined {
  const lifs = side.peering.ontap?.localNetwork;
  if (!lifs || side.cluster.id !== side.peering.local.cluster) return undefined;
  return {
    interfaces: lifs.interfaces.map((i) => ({ ip_address: i.ipAddress })),
    netmask: lifs.netmask,
    broadcast_domain: lifs.broadcastDomain,
    gateway: lifs.gateway,
  };
}

/**
 * Health as ONTAP defines it: `status.state: available` is a working peering only with
 * `authentication.state: ok` (docs/product-facts.md; NetApp/terraform-provider-netapp-ontap#720). Available
 * with authentication pending is still establishing (the other side has not confirmed the
 * passphrase); with a problem, or none, it is degraded.
 */
export function toNativeSide(record: OntapPeerRecord): NativeSide {
  const state = record.status?.state ?? 'unidentified';
  const auth = record.authentication?.state;
  let health = HEALTH[state] ?? 'degraded';
  let detail = auth ? `authentication ${auth}` : undefined;
  if (health === 'active' && auth && auth !== 'ok') {
    health = auth === 'pending' ? 'establishing' : 'degraded';
    detail =
      auth === 'pending'
        ? 'status reads available but authentication is pending: the other cluster has not confirmed the passphrase yet'
        : auth === 'problem'
          ? 'status reads available but authentication has a problem: the two sides do not hold the same passphrase (or it was revoked); rotate the passphrase on both sides'
          : `status reads available but authentication is ${auth}: the relationship is not authenticated`;
  }
  return {
    nativeId: record.uuid,
    nativeState: state,
    health,
    detail,
    encryption: { proposed: record.encryption?.proposed ?? null, state: record.encryption?.state ?? null },
    ...authenticationFacts(state, auth, detail),
  };
}

/** The Authenticated condition (`authentication.state` is `ok`), and what it says of the pair's health. */
function authenticationFacts(state: string, auth: string | undefined, detail: string | undefined): Pick<NativeSide, 'conditions' | 'paired' | 'healthReason'> {
  const paired = state === 'available' || state === 'partial' || state === 'unavailable';
  if (!auth) return { paired };
  const reason = auth === 'ok' ? 'Ok' : `Authentication${auth[0].toUpperCase()}${auth.slice(1)}`;
  const message = auth === 'ok' ? 'authentication is ok' : (detail ?? `authentication is ${auth}`);
  return {
    paired,
    conditions: [{ type: 'Authenticated', status: auth === 'ok' ? 'True' : 'False', reason, message }],
    ...(auth !== 'ok' && state === 'available' ? { healthReason: reason } : {}),
  };
}
