import { describe, expect, it } from '@jest/globals';
import { computeConditions, partCondition, summaryReason, withPartCondition } from './condition.js';
import type { Peering } from './peering.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:01:00.000Z';

function peering(over: Partial<Peering>): Peering {
  return { id: 'p1', name: 'a-b', product: 'ledger', state: 'ESTABLISHING', stateReason: 'operation create', conditions: [], ...over } as Peering;
}

const paired = [
  { type: 'Established', status: 'True' as const, reason: 'Paired', message: 'paired' },
  { type: 'Healthy', status: 'True' as const, reason: 'CarriesTraffic', message: 'traffic' },
];

describe('conditions', () => {
  it('summarises the first condition that is not true as the state reason', () => {
    const conditions = computeConditions(
      peering({}),
      [paired[0], { type: 'Authenticated', status: 'False', reason: 'Pending', message: 'b: passphrase not confirmed' }, paired[1]],
      T0,
    );
    expect(conditions[0]).toMatchObject({ type: 'Ready', status: 'False', message: 'b: passphrase not confirmed' });
    expect(summaryReason('ESTABLISHING', conditions, 'operation create')).toBe('Authenticated False (Pending): b: passphrase not confirmed');
    // A reason of its own stays; a state that is not read from the clusters keeps its reason.
    expect(summaryReason('DEGRADED', conditions, 'drift: remote gone')).toBe('drift: remote gone');
    expect(summaryReason('FAILED', conditions, 'operation create')).toBe('operation create');
  });

  it('keeps lastTransitionTime while a status stays, and moves it when the status changes', () => {
    const first = computeConditions(peering({}), paired, T0);
    const again = computeConditions(peering({ conditions: first }), paired, T1);
    expect(again.find((c) => c.type === 'Healthy')!.lastTransitionTime).toBe(T0);
    const sick = computeConditions(peering({ conditions: again }), [paired[0], { ...paired[1], status: 'False', reason: 'Unhealthy' }], T1);
    expect(sick.find((c) => c.type === 'Healthy')!.lastTransitionTime).toBe(T1);
    expect(sick.find((c) => c.type === 'Established')!.lastTransitionTime).toBe(T0);
  });

  it('turns part states into a condition: pending, failed, ready', () => {
    const parts = [
      { key: 's1:d1', state: 'ready' },
      { key: 's2:d2', state: 'pending' },
    ];
    expect(partCondition('SvmPeersReady', 'SVM peer', parts)).toMatchObject({ status: 'False', reason: 'PartsPending', message: 'waiting for SVM peer s2:d2' });
    expect(partCondition('SvmPeersReady', 'SVM peer', [{ key: 'x', state: 'failed', detail: 'rejected' }])).toMatchObject({
      status: 'False',
      reason: 'PartFailed',
      message: 'SVM peer x failed: rejected',
    });
    expect(partCondition('SvmPeersReady', 'SVM peer', [{ key: 'x', state: 'ready' }]).status).toBe('True');
  });

  it('sets a part condition, summarises it, and keeps it when the clusters are read again', () => {
    const observed = computeConditions(peering({}), paired, T0);
    const pending = withPartCondition(
      peering({ conditions: observed }),
      'ServicesExported',
      partCondition('ServicesExported', 'exported service', [{ key: 'local:web', state: 'pending' }]),
      T1,
    );
    expect(pending.stateReason).toBe('ServicesExported False (PartsPending): waiting for exported service local:web');
    expect(pending.conditions!.find((c) => c.type === 'Healthy')!.lastTransitionTime).toBe(T0);
    const reread = computeConditions(pending, paired, T1);
    expect(reread.find((c) => c.type === 'ServicesExported')).toMatchObject({ status: 'False', reason: 'PartsPending' });
    const dropped = withPartCondition(pending, 'ServicesExported', null, T1);
    expect(dropped.conditions!.some((c) => c.type === 'ServicesExported')).toBe(false);
  });
});
