import { PeeringRecords } from './port.js';
import { forwardRef, Inject, Injectable } from '@nestjs/common';
import { DomainEvents } from '../domain/domain-events.js';
import type { PartState, PeeringPartChange } from './handshake-extension.js';
import type { Peering } from '../domain/peering.js';
import { nowIso } from '../common/time.js';
import { partCondition, withPartCondition } from '../domain/condition.js';
import { ProductRegistry } from './product-registry.js';
import type { ProductRegistry as Registry } from './product-registry.js';

/** A part as a product keeps it on the peering: at least a state, and what names it. */
export interface RecordedPart {
  state: PartState;
  detail?: string;
}

/**
 * Writes a product's parts on the peering and tells the gateway's events when one becomes ready
 * or fails (webhooks and streams follow them like every event). Products call it from their
 * handshake extensions; it knows no product.
 */
@Injectable()
export class PeeringParts {
  constructor(
    private readonly peerings: PeeringRecords,
    private readonly events: DomainEvents,
    // The registry's module imports the plugins, whose providers include this class: resolved lazily.
    @Inject(forwardRef(() => ProductRegistry)) private readonly products: Registry,
  ) {}

  /**
   * Replaces what `read`/`write` reach on the peering (with `change`, or what it makes of the
   * current parts), and emits an event for each part whose
   * state moved to ready or failed. `keyOf` names a part in events (e.g. `svm_src:svm_dst`).
   */
  async save<P extends RecordedPart>(
    peeringId: string,
    kind: string,
    read: (p: Peering) => P[],
    write: (p: Peering, parts: P[]) => Peering,
    change: P[] | ((current: P[]) => P[]),
    keyOf: (part: P) => string,
  ): Promise<Peering> {
    let before: P[] = [];
    let parts: P[] = [];
    const saved = await this.peerings.update(peeringId, (p) => {
      before = read(p);
      parts = typeof change === 'function' ? change(before) : change;
      const now = nowIso();
      const next = { ...write(p, parts), updatedAt: now };
      // The plugin names the condition of this kind of part; the parts' states make it.
      const shown = this.products.for(p.product).plugin.partKinds?.[kind];
      if (!shown) return next;
      const condition = parts.length
        ? partCondition(
            shown.conditionType,
            shown.noun,
            parts.map((part) => ({ key: keyOf(part), state: part.state, detail: part.detail })),
          )
        : null;
      return withPartCondition(next, shown.conditionType, condition, now);
    });
    const was = new Map(before.map((part) => [keyOf(part), part.state]));
    for (const part of parts) {
      if (was.get(keyOf(part)) === part.state || (part.state !== 'ready' && part.state !== 'failed')) continue;
      const change: PeeringPartChange = { kind, key: keyOf(part), state: part.state, detail: part.detail ?? null };
      await this.events.emit({ kind: 'peering.part_changed', peering: saved, part: change, operationId: saved.operationId });
    }
    return saved;
  }
}
