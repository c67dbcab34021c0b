import { type Peering, teamOf, toPeeringView } from '../domain/peering.js';

/** A peering's API view as JSON text, with its team (for the caller's visibility check). */
export interface RenderedPeering {
  team: string;
  json: string;
}

/** How many peerings' views are kept: the hot ones of a busy API, a few MB at most. */
const KEPT_VIEWS = 2000;

/**
 * The JSON text of peerings' API views, kept by the stored record's text: a read that finds the
 * same text in Redis as last time answers the same view, without parsing, copying and
 * serializing it again (together about a fifth of a read's CPU; docs/performance.md). Any write
 * changes the stored text (its version, its `updatedAt`), so a changed record is always
 * rendered anew; Redis is still read on every request. The view holds no secret (toPeeringView
 * drops a one-sided offer's secret, still sealed in the stored text), so nothing kept needs
 * sealing. When full, the oldest entry goes.
 */
export class RenderedViews {
  private readonly kept = new Map<string, { stored: string; view: RenderedPeering }>();

  constructor(private readonly capacity = KEPT_VIEWS) {}

  render(id: string, stored: string): RenderedPeering {
    const hit = this.kept.get(id);
    if (hit?.stored === stored) return hit.view;
    const peering = JSON.parse(stored) as Peering;
    const view = { team: teamOf(peering), json: JSON.stringify(toPeeringView(peering)) };
    if (!hit && this.kept.size >= this.capacity) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(id, { stored, view });
    return view;
  }
}
