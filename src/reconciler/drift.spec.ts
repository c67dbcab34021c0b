import { describe, expect, it } from '@jest/globals';
import type { NativeSide } from '../products/port.js';
import type { Peering } from '../domain/peering.js';
import { assessDrift } from './drift.js';

const active: NativeSide = { nativeId: 'a', nativeState: 'ACTIVE', health: 'active' };
const failing: NativeSide = { nativeId: 'b', nativeState: 'FAILING', health: 'degraded' };
const terminated: NativeSide = { nativeId: 'c', nativeState: 'TERMINATED', health: 'terminated' };
const pending: NativeSide = { nativeId: 'd', nativeState: 'PENDING', health: 'pending' };
const peering = (state: Peering['state'], stateReason: string | null = null) => ({ state, stateReason }) as Peering;

describe('drift: what the clusters say a settled peering is', () => {
  it('leaves an ACTIVE pair that both clusters confirm alone', () => {
    expect(
      assessDrift(peering('ACTIVE'), [
        { cluster: 'a', native: active },
        { cluster: 'b', native: active },
      ]),
    ).toBeNull();
  });

  it('degrades when a side fails, and says which and why', () => {
    expect(
      assessDrift(peering('ACTIVE'), [
        { cluster: 'dc1', native: active },
        { cluster: 'dc2', native: failing },
      ]),
    ).toEqual({ to: 'DEGRADED', reason: 'dc2 reads FAILING' });
  });

  it('degrades when a record vanished (deleted by hand) and offers repair', () => {
    const verdict = assessDrift(peering('ACTIVE'), [
      { cluster: 'east', native: null },
      { cluster: 'west', native: active },
    ]);
    expect(verdict?.to).toBe('DEGRADED');
    expect(verdict?.reason).toMatch(/east is gone \(deleted outside the gateway\); POST .*sync/);
  });

  it('notices a side that reads TERMINATED (the other side deleted it)', () => {
    expect(
      assessDrift(peering('ACTIVE'), [
        { cluster: 'dc1', native: terminated },
        { cluster: 'dc2', native: null },
      ])?.reason,
    ).toMatch(/dc1 reads TERMINATED: the peer deleted/);
  });

  it('recovers DEGRADED to ACTIVE when both sides are active again', () => {
    expect(
      assessDrift(peering('DEGRADED', 'dc2 reads FAILING'), [
        { cluster: 'dc1', native: active },
        { cluster: 'dc2', native: active },
      ]),
    ).toEqual({ to: 'ACTIVE', reason: null });
  });

  it('does not rewrite a DEGRADED peering whose reason is unchanged', () => {
    expect(
      assessDrift(peering('DEGRADED', 'dc2 reads FAILING'), [
        { cluster: 'dc1', native: active },
        { cluster: 'dc2', native: failing },
      ]),
    ).toBeNull();
  });

  it('turns a standing one-sided offer ACTIVE once accepted, and waits otherwise', () => {
    expect(assessDrift(peering('ESTABLISHING', 'waiting'), [{ cluster: 'east', native: active }])).toEqual({ to: 'ACTIVE', reason: null });
    expect(assessDrift(peering('ESTABLISHING', 'waiting'), [{ cluster: 'east', native: pending }])).toBeNull();
  });
});
