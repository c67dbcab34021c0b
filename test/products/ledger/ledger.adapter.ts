import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Cluster } from '../../../src/domain/cluster.js';
import type { NativeSide, Offer, PeeringAdapter, SideContext } from '../../../src/products/port.js';

interface LedgerRecord {
  id: string;
  name: string;
  secret: string;
  /** Set once the other side accepted: both records are then active. */
  accepted: boolean;
}

/**
 * A product kept in memory: each cluster is a ledger of peer records by name. An offer writes a
 * record with a secret; the accepting cluster writes its own once the secret matches, and both
 * become active. Enough of a product to prove that one plugs in through its folder alone.
 */
@Injectable()
export class LedgerAdapter implements PeeringAdapter {
  readonly product = 'ledger';
  private readonly ledgers = new Map<string, Map<string, LedgerRecord>>();

  records(clusterId: string): LedgerRecord[] {
    return [...this.ledger(clusterId).values()];
  }

  async find(side: SideContext): Promise<NativeSide | null> {
    const record = this.ledger(side.cluster.id).get(side.peering.name);
    return record ? native(record) : null;
  }

  async offer(side: SideContext): Promise<Offer> {
    const record: LedgerRecord = { id: randomBytes(4).toString('hex'), name: side.peering.name, secret: randomBytes(8).toString('hex'), accepted: false };
    this.ledger(side.cluster.id).set(record.name, record);
    return { secret: record.secret };
  }

  async accept(side: SideContext, secret: string): Promise<void> {
    const offer = side.counterpart.cluster ? this.ledger(side.counterpart.cluster.id).get(side.peering.name) : undefined;
    if (offer && offer.secret === secret) offer.accepted = true;
    this.ledger(side.cluster.id).set(side.peering.name, { id: randomBytes(4).toString('hex'), name: side.peering.name, secret, accepted: Boolean(offer) });
  }

  async confirm(side: SideContext, _native: NativeSide, secret: string): Promise<void> {
    await this.accept(side, secret);
  }

  async remove(side: SideContext): Promise<void> {
    this.ledger(side.cluster.id).delete(side.peering.name);
  }

  async readAll(cluster: Cluster): Promise<Map<string, NativeSide>> {
    return new Map([...this.ledger(cluster.id).values()].map((r) => [r.name, native(r)]));
  }

  async awaitRemoved(side: SideContext): Promise<boolean> {
    return !this.ledger(side.cluster.id).has(side.peering.name);
  }

  private ledger(clusterId: string): Map<string, LedgerRecord> {
    let ledger = this.ledgers.get(clusterId);
    if (!ledger) this.ledgers.set(clusterId, (ledger = new Map()));
    return ledger;
  }
}

function native(record: LedgerRecord): NativeSide {
  return { nativeId: record.id, nativeState: record.accepted ? 'active' : 'offered', health: record.accepted ? 'active' : 'pending' };
}
