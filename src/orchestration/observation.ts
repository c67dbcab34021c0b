import type { NativeSide } from '../products/port.js';
import { observedConditions, type ReportedCondition } from '../domain/condition.js';

/** The conditions the clusters' answers give, side by side with the clusters they came from. */
export function conditionsOf(clusters: string[], natives: (NativeSide | null | undefined)[]): ReportedCondition[] {
  return observedConditions(
    clusters.map((cluster, i) => {
      const native = natives[i];
      return native ? { cluster, ...native } : null;
    }),
    clusters,
  );
}
