import { describe, expect, it } from '@jest/globals';
import { assertTransition, canTransition, IllegalTransitionError, isLive, PEERING_STATES } from './peering-state.js';

describe('the unified state machine', () => {
  it('follows the happy path PENDING -> ESTABLISHING -> ACTIVE <-> DEGRADED', () => {
    expect(canTransition('PENDING', 'ESTABLISHING')).toBe(true);
    expect(canTransition('ESTABLISHING', 'ACTIVE')).toBe(true);
    expect(canTransition('ACTIVE', 'DEGRADED')).toBe(true);
    expect(canTransition('DEGRADED', 'ACTIVE')).toBe(true);
  });

  it('lets every live state fail or start deleting', () => {
    for (const from of ['PENDING', 'ESTABLISHING', 'ACTIVE', 'DEGRADED'] as const) {
      expect(canTransition(from, 'FAILED')).toBe(true);
      expect(canTransition(from, 'DELETING')).toBe(true);
    }
  });

  it('keeps FAILED terminal until someone acts (retry or delete)', () => {
    expect(canTransition('FAILED', 'ACTIVE')).toBe(false);
    expect(canTransition('FAILED', 'ESTABLISHING')).toBe(true);
    expect(canTransition('FAILED', 'DELETING')).toBe(true);
  });

  it('never leaves DELETED and reaches it only from DELETING', () => {
    for (const to of PEERING_STATES.filter((s) => s !== 'DELETED')) expect(canTransition('DELETED', to)).toBe(false);
    for (const from of PEERING_STATES.filter((s) => s !== 'DELETING' && s !== 'DELETED')) expect(canTransition(from, 'DELETED')).toBe(false);
    expect(canTransition('DELETING', 'DELETED')).toBe(true);
  });

  it('refuses to go back from DELETING to a live state', () => {
    for (const to of ['PENDING', 'ESTABLISHING', 'ACTIVE', 'DEGRADED'] as const) expect(canTransition('DELETING', to)).toBe(false);
  });

  it('throws on an illegal move, naming it', () => {
    expect(() => assertTransition('DELETED', 'ACTIVE')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('DELETED', 'ACTIVE')).toThrow('DELETED -> ACTIVE');
    expect(() => assertTransition('ACTIVE', 'ACTIVE')).not.toThrow();
  });

  it('counts DELETING and DELETED as no longer live (the name is free again)', () => {
    expect(PEERING_STATES.filter(isLive)).toEqual(['PENDING', 'AWAITING_APPROVAL', 'ESTABLISHING', 'ACTIVE', 'DEGRADED', 'FAILED']);
  });
});
