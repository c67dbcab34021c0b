import { describe, expect, it } from '@jest/globals';
import { type Peering } from '../../src/domain/peering.js';
import { RenderedViews } from '../../src/peerings/rendered-views.js';
import { activePeering } from '../support/peerings.js';

function stored(overrides: Partial<Peering> = {}): string {
  return JSON.stringify(activePeering(overrides));
}

describe('RenderedViews', () => {
  it('renders the API view (team and owner added) and keeps it while the stored text is the same', () => {
    const views = new RenderedViews();
    const first = views.render('pr_1', stored({ team: 'blue' }));
    expect(first.team).toBe('blue');
    expect(JSON.parse(first.json)).toMatchObject({ id: 'pr_1', team: 'blue', owner: 'blue', state: 'ACTIVE' });
    // Another string with the same text (as each Redis reply is) answers the kept view.
    expect(views.render('pr_1', stored({ team: 'blue' }))).toBe(first);
  });

  it('renders anew when the stored text changed', () => {
    const views = new RenderedViews();
    views.render('pr_1', stored({ state: 'ESTABLISHING' }));
    const next = views.render('pr_1', stored({ state: 'ACTIVE', updatedAt: '2026-12-01T00:00:01.000Z' }));
    expect(JSON.parse(next.json)).toMatchObject({ state: 'ACTIVE', updatedAt: '2026-12-01T00:00:01.000Z' });
  });

  it("never renders a one-sided offer's sealed secret", () => {
    const views = new RenderedViews();
    const offer = stored({ remote: { external: { address: 'peer.example:8503', secret: 'v1:key:iv:tag:sealed' } } as Peering['remote'] });
    const view = views.render('pr_1', offer);
    expect(view.json).not.toContain('secret');
    expect(JSON.parse(view.json).remote).toEqual({ external: { address: 'peer.example:8503' } });
  });

  it('keeps a bounded number of views, dropping the oldest', () => {
    const views = new RenderedViews(2);
    const a = views.render('pr_a', stored({ id: 'pr_a' }));
    views.render('pr_b', stored({ id: 'pr_b' }));
    expect(views.render('pr_a', stored({ id: 'pr_a' }))).toBe(a);
    views.render('pr_c', stored({ id: 'pr_c' }));
    // pr_a was the oldest entry: rendered again, to an equal text in a new object.
    const again = views.render('pr_a', stored({ id: 'pr_a' }));
    expect(again).not.toBe(a);
    expect(again).toEqual(a);
  });
});
