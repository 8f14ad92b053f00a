import { expect } from 'chai';
import { MAX_REMEMBERED, UsedHandles } from '../../lib/state/used-handles.js';

describe('unit: one-time state handles (UsedHandles)', () => {
  const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);

  it('claims a handle once, and again only after its pending login expired', () => {
    const used = new UsedHandles();
    expect(used.claim('a', T0 + 600_000, T0)).to.equal(true);
    expect(used.claim('a', T0 + 600_000, T0 + 1)).to.equal(false);
    expect(used.claim('a', T0 + 600_000, T0 + 599_000)).to.equal(false);
    // Past its expiry the handle is forgotten (its pending login could not be used any more).
    expect(used.claim('a', T0 + 1_300_000, T0 + 601_000)).to.equal(true);
  });

  it('remembers a handle at least until the expiry asked for (rounded up to the second)', () => {
    const used = new UsedHandles();
    expect(used.claim('a', T0 + 1_500, T0)).to.equal(true);
    expect(used.claim('a', T0 + 9_000, T0 + 1_999)).to.equal(false);
  });

  it(`keeps at most ${MAX_REMEMBERED} handles, forgetting the oldest first`, () => {
    const used = new UsedHandles();
    for (let i = 0; i < MAX_REMEMBERED + 5; i++)
      expect(used.claim(`h${i}`, T0 + 600_000, T0)).to.equal(true);
    expect(used.claim('h0', T0 + 600_000, T0), 'the oldest was forgotten').to.equal(true);
    expect(used.claim(`h${MAX_REMEMBERED + 4}`, T0 + 600_000, T0), 'the newest is kept').to.equal(
      false,
    );
  });
});
